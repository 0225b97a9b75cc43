"""The Zero to JupyterHub values of docs/CLASSROOM.md
(docs/classroom/z2jh-config.yaml), checked as far as a machine without
Kubernetes allows.

The chart's JSON schema ships only inside the Helm chart (no PyPI or npm
package carries it), so the check goes one step further down instead: the
chart hands each ``singleuser`` key to a KubeSpawner setting (its
``jupyterhub_config.py``: ``memory.limit`` -> ``mem_limit``, ...), and
KubeSpawner (PyPI ``jupyterhub-kubespawner``) validates each value with its
own traits, as the hub would at start; ``cull`` becomes the arguments of
``jupyterhub-idle-culler`` (PyPI), whose parser must accept them.
"""
from __future__ import annotations

import os
import subprocess
import sys

import jupyterhub_idle_culler  # noqa: F401 - the hub extra (pip install -e '.[hub]')
import kubespawner
import traitlets
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VALUES = os.path.join(ROOT, "docs", "classroom", "z2jh-config.yaml")

# the chart's singleuser keys -> KubeSpawner traits (zero-to-jupyterhub-k8s,
# jupyterhub/files/hub/jupyterhub_config.py)
CHART_TO_KUBESPAWNER = {
    ("cpu", "limit"): "cpu_limit", ("cpu", "guarantee"): "cpu_guarantee",
    ("memory", "limit"): "mem_limit", ("memory", "guarantee"): "mem_guarantee",
    ("defaultUrl",): "default_url", ("storage", "capacity"): "storage_capacity",
    ("profileList",): "profile_list",
}
# keys the chart uses itself rather than handing to a trait
CHART_OWN = {("image", "name"), ("image", "tag"), ("storage", "homeMountPath")}


def _leaves(d, prefix=()):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from _leaves(v, prefix + (k,))
        else:
            yield prefix + (k,), v


def test_the_values_parse_and_every_singleuser_value_is_valid_for_kubespawner():
    values = yaml.safe_load(open(VALUES, encoding="utf-8"))
    assert set(values) == {"singleuser", "cull"}
    traits = kubespawner.KubeSpawner.class_traits()
    owner = traitlets.HasTraits()                       # validation needs an owner object
    for path, value in _leaves(values["singleuser"]):
        if path in CHART_OWN:
            assert isinstance(value, str) and value, path
            continue
        assert path in CHART_TO_KUBESPAWNER, f"singleuser.{'.'.join(path)}: not a key this check knows"
        trait = traits[CHART_TO_KUBESPAWNER[path]]
        trait.validate(owner, value)                     # raises TraitError when invalid
    assert traits["mem_limit"].validate(owner, values["singleuser"]["memory"]["limit"]) == 2**30            # "1G" is a GiB to JupyterHub
    profiles = values["singleuser"]["profileList"]
    assert sum(1 for p in profiles if p.get("default")) == 1
    for p in profiles:
        assert set(p) <= {"display_name", "description", "default", "kubespawner_override", "slug"}
        assert isinstance(p["display_name"], str) and isinstance(p.get("description", ""), str)
        for name, value in p.get("kubespawner_override", {}).items():
            assert name in traits, f"kubespawner_override.{name}: KubeSpawner has no such setting"
            traits[name].validate(owner, value)
        over = p.get("kubespawner_override", {})
        if "mem_limit" in over:
            assert traits["mem_guarantee"].validate(owner, over["mem_guarantee"]) <= \
                traits["mem_limit"].validate(owner, over["mem_limit"])


def test_the_cull_values_are_arguments_the_idle_culler_accepts():
    cull = yaml.safe_load(open(VALUES, encoding="utf-8"))["cull"]
    assert cull["enabled"] is True and cull["timeout"] > cull["every"] > 0
    # the chart runs: python3 -m jupyterhub_idle_culler --timeout=T --cull-every=E ...
    r = subprocess.run([sys.executable, "-m", "jupyterhub_idle_culler", "--help-all"],
                       capture_output=True, text=True, timeout=60)
    assert "--timeout=" in r.stdout and "--cull-every=" in r.stdout
