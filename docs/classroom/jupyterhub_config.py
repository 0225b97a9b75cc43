# JupyterHub for a class on one machine (docs/CLASSROOM.md, "A hub on one
# machine"): every learner a system user with a 0700 home, logging in with
# their own password (PAM), their JupyterLab running as them in their home,
# idle servers stopped after an hour.  tests/test_hub.py loads this very file
# (and only adds loopback ports, a state folder and an instructor token).
#
#   jupyterhub -f docs/classroom/jupyterhub_config.py
#
# The course's Python environment (JupyterLab and this project) must be
# readable by every learner: install it in a system location (e.g.
# /opt/goroutines-course/venv), not under /root.
import os
import sys

c = get_config()  # noqa: F821

# who: the class's system users, with their own passwords
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
# c.Authenticator.allowed_users = {"ana", "ben"}      # the class list
# c.Authenticator.admin_users = {"instructor"}

# where: each learner's JupyterLab runs as that learner, in their home
c.JupyterHub.spawner_class = "localprocess"
# (the single-user server of the hub's own environment, which holds the course)
c.Spawner.cmd = [os.path.join(os.path.dirname(sys.executable), "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"

# idle servers are stopped (their kernels too) after an hour without activity
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600",
                "--cull-every=300"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "services": ["idle-culler"],
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
}]
