package ai.ringrift.slurm.testing.contract;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.JobWaiter;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SubmittedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The contract: scenarios written once, run through the public SDK against the fake and against
 * the real clusters. Each names its steps; {@link Ctx} writes down what the SDK returned or threw
 * in each and the requests it sent. Jobs are small (1 CPU, 64 MB, seconds), named
 * {@code ctXXXXXX-...} so that only the scenario's own jobs are ever touched.
 */
final class Scenarios {

    /** A scenario's steps, run on one target (a wait may be interrupted). */
    interface Body {
        void run(Ctx c) throws Exception;
    }

    /**
     * A named scenario; {@code waits} is how long it waits on Slurm at the least (a time limit, a
     * requeue's begin time, MinJobAge): the suite starts the longest first, so that these waits overlap.
     */
    record Scenario(String name, Duration waits, Body body) {
        Scenario(String name, Body body) {
            this(name, Duration.ZERO, body);
        }
    }

    static final Duration WAIT = Duration.ofMinutes(4);

    private Scenarios() {}

    static final List<Scenario> ALL = List.of(
            new Scenario("submit-and-wait", Scenarios::submitAndWait),
            new Scenario("non-zero-exit", Scenarios::nonZeroExit),
            new Scenario("time-limit", Duration.ofMinutes(1), Scenarios::timeLimit),
            new Scenario("array-throttled-to-2", Scenarios::arrayThrottled),
            new Scenario("cancel-mid-run", Scenarios::cancelMidRun),
            new Scenario("cancel-many", Scenarios::cancelMany),
            new Scenario("slurmdbd-after-min-job-age", Duration.ofSeconds(30), Scenarios::afterMinJobAge),
            new Scenario("unknown-partition", c -> refused(c, c.job("bad", "#!/bin/bash\ntrue\n").partition("no-such-partition"))),
            new Scenario("invalid-account", c -> refused(c, c.job("bad", "#!/bin/bash\ntrue\n").account("no-such-account"))),
            new Scenario("invalid-qos", c -> refused(c, c.job("bad", "#!/bin/bash\ntrue\n").qos("no-such-qos"))),
            new Scenario("resources-no-node-has", c -> refused(c, c.job("bad", "#!/bin/bash\ntrue\n").partition("gpu-train").gpusPerNode(64))),
            new Scenario("lost-submit-answer-adopted", Scenarios::lostAnswer),
            new Scenario("expired-token", c -> tokenRefused(c, c.target.expiredTokens())),
            new Scenario("foreign-token", c -> tokenRefused(c, c.target.foreignTokens())),
            new Scenario("requeue", Duration.ofMinutes(2), Scenarios::requeue),
            new Scenario("cancelled-array-rest", Scenarios::cancelledArrayRest),
            new Scenario("heterogeneous-rows-beside-tracked", Scenarios::heterogeneousRows),
            new Scenario("cluster-reads", Scenarios::clusterReads));

    private static void submitAndWait(Ctx c) throws Exception {
        SubmittedJob j = c.submitAsA(c.job("ok", "#!/bin/bash\nsleep 1\n"));
        c.step("wait for the end");
        JobInfo done = c.waiter().await(j.jobId(), WAIT);
        c.see("final", c.job(done));
        c.step("read it");
        c.see("slurmctld", c.client().job(j.jobId()).map(c::job).orElse("none"));
    }

    private static void nonZeroExit(Ctx c) throws Exception {
        SubmittedJob j = c.submitAsA(c.job("exit3", "#!/bin/bash\nsleep 1\nexit 3\n"));
        c.step("wait for the end");
        c.see("final", c.job(c.waiter().await(j.jobId(), WAIT)));
    }

    private static void timeLimit(Ctx c) throws Exception {
        SubmittedJob j = c.submitAsA(c.job("late", "#!/bin/bash\nsleep 300\n").timeLimit(Duration.ofMinutes(1)));
        c.step("wait for the end");
        c.see("final", c.job(c.waiter().await(j.jobId(), WAIT)));
    }

    private static void arrayThrottled(Ctx c) throws Exception {
        SubmittedJob j = c.submitAsA(c.job("arr", "#!/bin/bash\nsleep 3\n").array("0-3%2"));
        c.step("wait with my own polling");
        int[] most = {0};
        List<JobStateEntry> last = new ArrayList<>();
        c.waitUntil("every task final", WAIT, () -> {
            List<JobStateEntry> rows = c.client().jobStates(List.of(j.jobId()));
            most[0] = Math.max(most[0], (int) rows.stream().filter(r -> r.state() == JobState.RUNNING).count());
            last.clear();
            last.addAll(rows);
            return rows.size() == 4 && rows.stream().allMatch(JobStateEntry::isFinal);
        });
        c.see("at most 2 running at once", most[0] <= 2);
        c.see("final rows", last.stream().sorted(java.util.Comparator.comparingInt(JobStateEntry::arrayTaskId))
                .map(r -> (r.jobId() == j.jobId() ? "A" : "own id") + "_" + r.arrayTaskId() + " " + r.stateNames()).toList());
        c.step("wait with the waiter");
        c.see("final", c.jobs(c.waiter().await(List.of(JobWaiter.Target.array(j.jobId(), 4)), WAIT)));
    }

    private static void awaitRunning(Ctx c, long... ids) throws Exception {
        c.waitUntil("running", WAIT, () -> {
            List<JobStateEntry> rows = c.client().jobStates(java.util.Arrays.stream(ids).boxed().toList());
            return rows.size() >= ids.length && rows.stream().allMatch(r -> r.state() == JobState.RUNNING);
        });
    }

    private static void cancelMidRun(Ctx c) throws Exception {
        SubmittedJob j = c.submitAsA(c.job("long", "#!/bin/bash\nsleep 120\n"));
        c.step("wait until it runs");
        awaitRunning(c, j.jobId());
        c.step("cancel");
        c.client().cancel(j.jobId());
        c.step("wait for the end");
        c.see("final", c.job(c.waiter().await(j.jobId(), WAIT)));
    }

    private static void cancelMany(Ctx c) throws Exception {
        c.step("submit");
        SubmittedJob a = c.client().submit(c.job("one", "#!/bin/bash\nsleep 120\n").build());
        SubmittedJob b = c.client().submit(c.job("two", "#!/bin/bash\nsleep 120\n").build());
        c.see("submitted", c.submitted(a, "A") + "; " + c.submitted(b, "B"));
        c.step("wait until they run");
        awaitRunning(c, a.jobId(), b.jobId());
        c.step("cancel both in one request");
        c.client().cancel(List.of(a.jobId(), b.jobId()));
        // Both daemons must have the end of both jobs before the waiter runs: otherwise which reads it
        // makes depends on how far each one got (one job final a round before the other, or slurmdbd a
        // round behind slurmctld: a read of one job from slurmctld), which is timing, not behaviour.
        c.step("wait until both daemons have both ends");
        List<Long> ids = List.of(a.jobId(), b.jobId());
        c.waitUntil("both jobs final in slurmctld and in slurmdbd", WAIT, () -> {
            List<JobStateEntry> rows = c.client().jobStates(ids);
            return rows.size() == 2 && rows.stream().allMatch(JobStateEntry::isFinal)
                    && c.client().accountingJobs(ids).stream().filter(JobInfo::isFinal).map(JobInfo::jobId).distinct().count() == 2;
        });
        c.step("wait for the end");
        c.see("final", c.jobs(c.waiter().await(List.of(JobWaiter.Target.job(a.jobId()), JobWaiter.Target.job(b.jobId())), WAIT)));
    }

    private static void afterMinJobAge(Ctx c) throws Exception {
        SubmittedJob j = c.submitAsA(c.job("short", "#!/bin/bash\ntrue\n"));
        c.step("wait for the end");
        c.see("final", c.job(c.waiter().await(j.jobId(), WAIT)));
        c.step("wait until slurmctld forgets it");
        c.waitUntil("slurmctld forgets the job (MinJobAge)", WAIT, () -> c.client().job(j.jobId()).isEmpty());
        c.step("read it");
        c.see("slurmctld", c.client().jobs(j.jobId()));
        c.see("slurmdbd", c.jobs(c.client().accountingJobs(j.jobId())));
        c.see("light state", c.client().jobStates(List.of(j.jobId())));
    }

    private static void refused(Ctx c, ai.ringrift.slurm.rest.JobSubmission.Builder job) throws Exception {
        c.step("submit");
        c.see("thrown", c.failure(() -> c.client().submit(job.build())));
    }

    private static void lostAnswer(Ctx c) throws Exception {
        Instant since = c.target.clock().instant().minusSeconds(60);
        c.step("submit, answer lost");
        c.loseNextSubmitAnswer();
        SubmittedJob j = c.client().submit(c.job("lost", "#!/bin/bash\nsleep 1\n").build());
        c.see("submitted", c.submitted(j, "A"));
        c.step("wait for the end");
        c.see("final", c.job(c.waiter().await(j.jobId(), WAIT)));
        c.step("wait until slurmdbd has it");
        List<JobInfo> named = new ArrayList<>();
        c.waitUntil("slurmdbd records the job", WAIT, () -> {
            named.clear();
            named.addAll(c.client().accountingJobsNamed(c.tag + "-lost", since));
            return named.stream().anyMatch(JobInfo::isFinal);
        });
        c.see("jobs of that name in slurmdbd", named.size());
    }

    private static void tokenRefused(Ctx c, ai.ringrift.slurm.rest.TokenSource tokens) throws Exception {
        SlurmClient refused = c.client(tokens);
        c.step("read states");
        c.see("thrown", c.failure(() -> refused.jobStates(List.of(1L))));
        c.step("read slurmdbd");
        c.see("thrown", c.failure(() -> refused.accountingJobs(1L)));
    }

    private static void requeue(Ctx c) throws Exception {
        SubmittedJob j = c.submitAsA(c.job("again", "#!/bin/bash\nsleep 5\n").requeue(true));
        c.step("wait until it runs");
        awaitRunning(c, j.jobId());
        c.step("requeue (administrator)");
        c.target.control().requeue(j.jobId());
        c.step("wait until it is pending again");
        List<JobStateEntry> rows = new ArrayList<>();
        c.waitUntil("pending after the requeue", WAIT, () -> {
            rows.clear();
            rows.addAll(c.client().jobStates(List.of(j.jobId())));
            return rows.size() == 1 && rows.get(0).stateNames().equals(List.of("PENDING"));
        });
        c.see("row", c.row(rows.get(0)) + " final=" + rows.get(0).isFinal());
        c.see("reason", c.client().job(j.jobId()).map(JobInfo::stateReason).orElse("none"));
        c.step("wait for the end");
        c.see("final", c.job(c.waiter().await(j.jobId(), WAIT)));
    }

    private static void cancelledArrayRest(Ctx c) throws Exception {
        SubmittedJob j = c.submitAsA(c.job("rest", "#!/bin/bash\nsleep 60\n").array("0-5%1"));
        c.step("wait until task 0 runs");
        c.waitUntil("task 0 running", WAIT, () -> c.client().jobStates(List.of(j.jobId())).stream()
                .anyMatch(r -> r.arrayTaskId() == 0 && r.state() == JobState.RUNNING));
        c.step("cancel the array");
        c.client().cancel(j.jobId());
        c.step("wait for the end");
        List<JobInfo> all = c.waiter().await(List.of(JobWaiter.Target.array(j.jobId(), 6)), WAIT);
        c.see("final", c.jobs(all));
        c.step("read it");
        c.see("slurmctld", c.jobs(c.client().jobs(j.jobId())));
        c.see("light state", c.client().jobStates(List.of(j.jobId())).stream().map(c::row).sorted().toList());
    }

    private static void heterogeneousRows(Ctx c) throws Exception {
        c.step("submit a held heterogeneous job (not through the SDK: it has no such submission)");
        long het = Het.submitHeld(c);
        c.name(het, "H");
        c.name(het + 1, "H1");
        SubmittedJob j = c.submitAsA(c.job("beside", "#!/bin/bash\nsleep 1\n"));
        c.step("wait for the end");
        c.see("final", c.job(c.waiter().await(j.jobId(), WAIT)));
        c.step("read every state");
        // in the order of the ids as numbers: as text, 999+0 comes after 1000 (which run got which ids is chance)
        List<String> mine = c.client().jobStates().stream().filter(e -> e.jobId() == het || e.jobId() == het + 1)
                .sorted(java.util.Comparator.comparingLong(JobStateEntry::jobId).thenComparingInt(JobStateEntry::hetComponent))
                .map(e -> c.row(e) + " understood=" + e.understood()).toList();
        c.see("heterogeneous rows", mine);
        c.step("cancel it");
        c.client().cancel(het);
        c.step("wait until it is cancelled");
        c.waitUntil("the heterogeneous job cancelled", WAIT, () -> c.client().jobStates(List.of(het)).stream()
                .allMatch(r -> r.state() == JobState.CANCELLED));
        c.see("rows", c.client().jobStates(List.of(het)).stream().map(c::row).sorted().toList());
    }

    private static void clusterReads(Ctx c) throws Exception {
        c.step("partitions");
        c.see("partitions", c.client().partitions().stream().map(p -> p.name() + " up=" + p.up() + " cpus=" + p.totalCpus()
                + " nodes=" + p.nodes() + "/" + p.totalNodes()).sorted().toList());
        c.step("nodes");
        c.see("nodes", c.client().nodes().stream().map(n -> n.name() + " cpus=" + n.cpus() + " gpus=" + n.gpus() + " partitions="
                + n.partitions() + " usable=" + n.isUsable()).toList());
        c.step("associations");
        c.see("associations", c.client().associations(c.target.user()).stream().map(a -> a.user() + "/" + a.account() + " qos="
                + a.qos()).toList());
    }

    /** A held heterogeneous job through the REST API itself, as another client would send it. */
    static final class Het {
        private Het() {}

        static long submitHeld(Ctx c) {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.node.ObjectNode body = json.createObjectNode();
            body.put("script", "#!/bin/bash\ntrue\n");
            com.fasterxml.jackson.databind.node.ArrayNode jobs = body.putArray("jobs");
            for (int i = 0; i < 2; i++) {
                com.fasterxml.jackson.databind.node.ObjectNode job = jobs.addObject();
                job.put("name", c.tag + "-het").put("partition", "cpu-eval").put("account", c.target.account())
                        .put("current_working_directory", c.target.sharedDir()).put("standard_output", "/dev/null").put("hold", true);
                job.putArray("environment").add("PATH=/usr/bin:/bin");
                job.putObject("memory_per_node").put("set", true).put("infinite", false).put("number", 64);
            }
            try {
                java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(c.target.url().replaceFirst("/$", "") + "/slurm/" + c.target.version() + "/job/submit"))
                        .header("Content-Type", "application/json")
                        .header("X-SLURM-USER-TOKEN", c.target.tokens().current().value())
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build();
                java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newBuilder()
                        .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                        .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
                long id = json.readTree(r.body()).path("job_id").asLong();
                if (r.statusCode() != 200 || id <= 0) {
                    throw new AssertionError("the heterogeneous job was refused: " + r.statusCode() + " " + r.body());
                }
                return id;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
