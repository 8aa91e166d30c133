package ai.ringrift.slurm.rest;

/** What slurmrestd said about itself and its controller. */
public record ServerInfo(String slurmRelease, String cluster, String dataParser, boolean controllerUp) {}
