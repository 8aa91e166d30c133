# Demo stand-in for a RingRift canonical script, installed by `ringrift-slurm loop --demo-scripts`
# only where the repo directory has no real script. It shows what the job received and exits 0 (or N with --exit N);
# --sleep S makes it run S seconds longer (to show a long job being watched or cancelled).
import json
import os
import socket
import sys
import time

print("stand-in for " + os.path.basename(sys.argv[0]) + " on " + socket.gethostname())
print("ARGV=" + json.dumps(sys.argv[1:]))
print("CUDA_VISIBLE_DEVICES=" + os.environ.get("CUDA_VISIBLE_DEVICES", ""))
print("RINGRIFT_WORK_TYPE=" + os.environ.get("RINGRIFT_WORK_TYPE", ""))
print("RINGRIFT_TASK_INDEX=" + os.environ.get("RINGRIFT_TASK_INDEX", ""))
# where it runs: apptainer's own variable (empty outside a container) and, in the local cluster's
# image, the file only that image has
print("APPTAINER_CONTAINER=" + os.environ.get("APPTAINER_CONTAINER", ""))
if os.path.exists("/etc/ringrift-image"):
    print("IMAGE_FILE=" + open("/etc/ringrift-image").read().strip())
sys.stdout.flush()
time.sleep(2)
if "--sleep" in sys.argv:
    time.sleep(float(sys.argv[sys.argv.index("--sleep") + 1]))
if "--exit" in sys.argv:  # lets a demo show a failing job: --exit N
    code = int(sys.argv[sys.argv.index("--exit") + 1])
    print("exiting with %d" % code)
    sys.exit(code)
print("done")
