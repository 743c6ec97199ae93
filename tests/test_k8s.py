"""The course on Kubernetes (issue 14, part 2): hub/k8s/ checked without a cluster, helm or the network.

- hub/k8s/values.yaml, merged over the chart's own defaults as helm does, validates against the pinned Zero to
  JupyterHub chart's values.schema.yaml (vendored in hub/k8s/schema/), the way the chart's tools/ validate it
  (jsonschema, Draft 7, on the YAML as loaded); a misspelt key or a wrong type is rejected;
- every Kubernetes object in hub/k8s/*.yaml validates with kubernetes-validate (strict: unknown fields are errors)
  against the oldest Kubernetes the chart supports and the newest the validator knows; a broken one is rejected;
- the values carry what the course needs (exchange on a ReadWriteMany volume at the exchange path, culling with
  users kept, resource guarantees, /lab, the nbgrader groups and roles, the formgrader service), and the hub's
  extraConfig gives learners and trainers their settings;
- the nbgrader config the containers read (hub/jupyter-config/nbgrader_config.py with the containers' environment,
  and the course folder's) agrees with the values on the exchange path and the course id.
"""

from __future__ import annotations

import copy
import re
import shlex
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import kubernetes_validate
import pytest
import yaml
from jupyterhub.app import JupyterHub
from jupyterhub.auth import Authenticator
from jupyterhub.scopes import scope_definitions
from jupyterhub.services.service import Service
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "hub" / "k8s"
SCHEMA_DIR = K8S / "schema"
OBJECT_FILES = sorted(K8S.glob("*.yaml"))
OBJECT_FILES.remove(K8S / "values.yaml")
# The chart (4.4.0) needs Kubernetes >= 1.28 (its Chart.yaml kubeVersion); 1.37 is the newest kubernetes-validate
# 1.37.0 carries.
K8S_VERSIONS = ("1.28.0", "1.37.0")


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _coalesce(defaults: dict, values: dict) -> dict:
    """Helm's merge of user values over a chart's defaults: maps merge, anything else replaces, null deletes."""
    out = copy.deepcopy(defaults)
    for key, value in values.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _coalesce(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@pytest.fixture(scope="module")
def schema() -> dict:
    return _load(SCHEMA_DIR / "values.schema.yaml")


@pytest.fixture(scope="module")
def values() -> dict:
    return _load(K8S / "values.yaml")


@pytest.fixture(scope="module")
def merged(values) -> dict:
    return _coalesce(_load(SCHEMA_DIR / "values.yaml"), values)


@pytest.fixture(scope="module")
def objects() -> dict[tuple[str, str], dict]:
    found = {}
    for path in OBJECT_FILES:
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            found[doc["kind"], doc["metadata"]["name"]] = doc
    return found


def _errors(schema: dict, instance: dict) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
            for e in jsonschema.Draft7Validator(schema).iter_errors(instance)]


# -- (a) the values against the chart's schema -----------------------------------------------------------------

def test_vendored_schema_is_the_charts(schema):
    header = (SCHEMA_DIR / "values.schema.yaml").read_text(encoding="utf-8")
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    assert "values.schema.json" in header  # the chart's own header: the schema helm is given is made from this file
    assert "4.4.0" in (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    assert (SCHEMA_DIR / "LICENSE").read_text(encoding="utf-8").startswith("BSD 3-Clause License")


def test_chart_defaults_validate(schema):
    assert _errors(schema, _load(SCHEMA_DIR / "values.yaml")) == []


def test_values_validate_against_the_chart_schema(schema, merged):
    assert _errors(schema, merged) == []


@pytest.mark.parametrize(("where", "change", "expected"), [
    (("singleuser",), {"memroy": {"guarantee": "512M"}}, "Additional properties are not allowed"),
    (("singleuser", "cpu"), {"guarantee": "a tenth"}, "is not of type"),
    (("cull",), {"timeout": "an hour"}, "is not of type"),
    (("hub", "config"), {"loadRoles": {}}, "does not match any of the regexes"),  # a hub key put under hub.config
])
def test_wrong_values_are_rejected(schema, values, where, change, expected):
    broken = copy.deepcopy(values)
    node = broken
    for key in where:
        node = node[key]
    node.update(change)
    errors = _errors(schema, _coalesce(_load(SCHEMA_DIR / "values.yaml"), broken))
    assert errors and any(expected in e for e in errors), errors


# -- (b) the Kubernetes objects --------------------------------------------------------------------------------

def test_object_files_exist(objects):
    assert {kind for kind, _ in objects} >= {"PersistentVolumeClaim", "Job", "Deployment", "Service"}


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_objects_validate(objects, version):
    for (kind, name), doc in objects.items():
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{kind}/{name} on Kubernetes {version}: {exc}")


@pytest.mark.parametrize(("kind", "name", "breakage"), [
    ("PersistentVolumeClaim", "nbgrader-exchange", lambda d: d["spec"].update(accessModes="ReadWriteMany")),
    ("Deployment", "ssr-formgrader", lambda d: d["spec"].update(replicas="one")),
    ("Job", "nbgrader-exchange-init", lambda d: d["spec"]["template"]["spec"].update(restartPolicie="Never")),
])
def test_broken_objects_are_rejected(objects, kind, name, breakage):
    broken = copy.deepcopy(objects[kind, name])
    breakage(broken)
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSIONS[-1], strict=True)


# -- (c) what the course needs ---------------------------------------------------------------------------------

def test_exchange_is_a_read_write_many_volume_each_learner_sees_only_their_part_of(values, objects):
    """Every server runs as uid 1000: the hub, not file owners, keeps learners apart. Released quizzes and feedback
    are read only; inbound/ is the learner's own inbound-by-user/<login>/, the folder ssr-trainer collect trusts."""
    from ssr_grader.intake.exchange import PER_USER_INBOUND

    course = values["custom"]["ssrCourse"]
    here = f"{course['exchange']}/{course['course']}"
    storage = values["singleuser"]["storage"]
    (volume,) = [v for v in storage["extraVolumes"] if v["name"] == "nbgrader-exchange"]
    mounts = {m["mountPath"]: m for m in storage["extraVolumeMounts"] if m["name"] == "nbgrader-exchange"}
    assert set(mounts) == {f"{here}/outbound", f"{here}/feedback", f"{here}/inbound"}, "nothing else of the volume"
    assert mounts[f"{here}/outbound"]["subPath"] == f"{course['course']}/outbound"
    assert mounts[f"{here}/feedback"]["subPath"] == f"{course['course']}/feedback"
    assert mounts[f"{here}/outbound"]["readOnly"] is True and mounts[f"{here}/feedback"]["readOnly"] is True
    inbound = mounts[f"{here}/inbound"]
    assert inbound["subPath"] == f"{course['course']}/{PER_USER_INBOUND}/{{unescaped_username}}"
    assert not inbound.get("readOnly")
    # the login's own folder is made before the server, without a shell, from names the hub allows only
    (init,) = values["singleuser"]["initContainers"]
    assert init["command"] == ["mkdir", "-p", f"/exchange/{course['course']}/{PER_USER_INBOUND}/{{unescaped_username}}"]
    assert init["securityContext"]["runAsUser"] == 1000
    (init_mount,) = init["volumeMounts"]
    assert init_mount["name"] == "nbgrader-exchange" and init_mount["mountPath"] == "/exchange"
    pattern = re.compile(values["hub"]["config"]["Authenticator"]["username_pattern"])
    from ssr_grader.hub.accounts import ACCOUNT_NAME

    for name in ("amina", "learner-1", "trainer-2", "a" * 32):
        assert pattern.fullmatch(name) and ACCOUNT_NAME.fullmatch(name)
    assert pattern.pattern == ACCOUNT_NAME.pattern  # the same rule as the one-machine hub's accounts
    for name in ("../amina", "amina/..", "Amina", "a b", "a" * 33, "", "amina\n", "{username}", "trainer_2", "1abc"):
        assert not pattern.fullmatch(name), name
    claim = objects["PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"]]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    job = objects["Job", "nbgrader-exchange-init"]["spec"]["template"]["spec"]
    assert [v["persistentVolumeClaim"]["claimName"] for v in job["volumes"]] == [claim["metadata"]["name"]]
    made = " ".join(job["containers"][0]["command"])
    for folder in ("outbound", "feedback", "inbound", PER_USER_INBOUND):
        assert f"/exchange/{course['course']}/{folder}" in made


def test_learners_work_is_kept(values):
    storage = values["singleuser"]["storage"]
    assert storage["type"] == "dynamic" and storage["homeMountPath"] == "/home/jovyan"
    assert values["hub"]["config"]["KubeSpawner"]["working_dir"] == storage["homeMountPath"]
    hook = values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    script = shlex.split(hook[-1])
    assert "-e" in script and "cp" in script  # copied only when the learner has no ssr-course folder yet
    assert f"{values['custom']['ssrCourse']['repoDir']}/notebooks" in script
    assert (ROOT / "notebooks").is_dir()


def test_culling_stops_servers_and_keeps_users(values):
    assert values["cull"] == {**values["cull"], "enabled": True, "timeout": 3600, "users": False}


def test_resources_are_guaranteed_and_limited(values):
    single = values["singleuser"]
    assert single["memory"]["guarantee"] and single["memory"]["limit"]
    assert 0 < single["cpu"]["guarantee"] <= single["cpu"]["limit"]


def test_servers_open_jupyterlab_from_the_course_image(values):
    single = values["singleuser"]
    assert single["defaultUrl"] == "/lab"
    assert single["cmd"] == "jupyterhub-singleuser"
    assert single["uid"] == 1000  # jovyan: nbgrader.utils.get_username() then returns JUPYTERHUB_USER
    assert single["image"]["name"].startswith("registry.example.org/")


def test_groups_roles_and_hub_config(values):
    course = values["custom"]["ssrCourse"]
    learners, trainers = f"nbgrader-{course['course']}", f"formgrade-{course['course']}"
    assert (course["learnersGroup"], course["trainersGroup"]) == (learners, trainers)
    config = values["hub"]["config"]
    groups = config["JupyterHub"]["load_groups"]
    assert set(groups) == {learners, trainers}
    members = {user for group in groups.values() for user in group["users"]}
    assert set(config["Authenticator"]["allowed_users"]) == members
    assert config["JupyterHub"]["admin_access"] is False
    roles = values["hub"]["loadRoles"]
    assert "read:users:groups!user" in roles["server"]["scopes"]  # nbgrader's JupyterHubAuthPlugin asks for them
    assert roles[trainers]["groups"] == [trainers]
    assert f"access:services!service={course['course']}" in roles[trainers]["scopes"]
    for role in roles.values():
        for scope in role["scopes"]:
            assert scope.split("!")[0] in scope_definitions, scope
    # every pass-through setting names a real trait (a misspelt one would be ignored by the hub)
    for cls, section in [(JupyterHub, "JupyterHub"), (Authenticator, "Authenticator")]:
        unknown = set(config[section]) - set(cls.class_traits(config=True))
        assert not unknown, f"{section}: {unknown}"


def test_formgrader_service_and_its_pod_agree(values, objects):
    course = values["custom"]["ssrCourse"]
    service = values["hub"]["services"][course["course"]]
    assert not set(service) - set(Service.class_traits())
    deployment = objects["Deployment", "ssr-formgrader"]
    k8s_service = objects["Service", "ssr-formgrader"]
    assert service["url"] == f"http://{k8s_service['metadata']['name']}:{k8s_service['spec']['ports'][0]['port']}"
    assert k8s_service["spec"]["selector"].items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsUser"] != 0
    (container,) = pod["containers"]
    assert container["image"].split(":")[0] == values["singleuser"]["image"]["name"]
    env = {e["name"]: e for e in container["env"]}
    token = env["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert token == {"name": "hub", "key": f"hub.services.{course['course']}.apiToken"}
    assert env["JUPYTERHUB_SERVICE_PREFIX"]["value"] == f"/services/{course['course']}/"
    assert env["JUPYTERHUB_SERVICE_NAME"]["value"] == course["course"]
    assert env["JUPYTERHUB_SERVICE_URL"]["value"].endswith(f":{container['ports'][0]['containerPort']}")
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]}
    assert mounts["exchange"] == course["exchange"] and volumes["exchange"] == "nbgrader-exchange"
    assert deployment["spec"]["template"]["metadata"]["labels"]["hub.jupyter.org/network-access-hub"] == "true"


def _spawner(*groups: str):
    return SimpleNamespace(user=SimpleNamespace(groups=[SimpleNamespace(name=g) for g in groups]))


def test_extra_config_gives_learners_and_trainers_their_settings(values, merged):
    def get_config(key, default=None):
        node = merged
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    c = Config()
    c.KubeSpawner.environment = dict(values["singleuser"]["extraEnv"])  # what the chart sets before extraConfig
    for _key, source in sorted(values["hub"]["extraConfig"].items()):
        exec(compile(source, "hub.extraConfig", "exec"), {"c": c, "get_config": get_config})  # noqa: S102
    env = c.KubeSpawner.environment
    assert env["SSR_EXCHANGE"] == values["custom"]["ssrCourse"]["exchange"]  # the chart's extraEnv kept
    course = values["custom"]["ssrCourse"]
    repo = course["repoDir"]
    learner = env["JUPYTER_CONFIG_PATH"](_spawner(course["learnersGroup"])).split(":")
    trainer = env["JUPYTER_CONFIG_PATH"](_spawner(course["trainersGroup"], course["learnersGroup"])).split(":")
    assert learner == [f"{repo}/jupyter-config/learner", f"{repo}/hub/jupyter-config"]
    assert trainer == [f"{repo}/hub/k8s/jupyter-config/trainer", f"{repo}/hub/jupyter-config"]
    # the folders are in the repository, hence in the image at repoDir; postBuild does not remove them
    for path in {*learner, *trainer}:
        assert (ROOT / Path(path).relative_to(repo)).is_dir(), path
    removed = next(line for line in (ROOT / "binder" / "postBuild").read_text().splitlines()
                   if line.strip().startswith("rm -rf"))
    assert not {"hub", "jupyter-config", "notebooks"} & set(shlex.split(removed))


def test_trainer_settings_undo_the_learner_settings():
    learner = ROOT / "jupyter-config" / "learner"
    trainer = K8S / "jupyter-config" / "trainer"
    off = yaml.safe_load((learner / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    on = yaml.safe_load((trainer / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert set(off) == set(on) and not any(on.values())
    (off_server,) = (learner / "jupyter_server_config.d").glob("*.json")
    (on_server,) = (trainer / "jupyter_server_config.d").glob("*.json")
    off_ext = yaml.safe_load(off_server.read_text())["ServerApp"]["jpserver_extensions"]
    on_ext = yaml.safe_load(on_server.read_text())["ServerApp"]["jpserver_extensions"]
    assert set(off_ext) == set(on_ext) and all(on_ext.values())


# -- (d) nbgrader's config in the containers -------------------------------------------------------------------

def _nbgrader_config(folder: Path, env: dict[str, str], monkeypatch) -> Config:
    for name in ("SSR_EXCHANGE", "SSR_HUB_COURSE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()


def test_learners_nbgrader_config_matches_the_values(values, monkeypatch):
    course = values["custom"]["ssrCourse"]
    cfg = _nbgrader_config(ROOT / "hub" / "jupyter-config", values["singleuser"]["extraEnv"], monkeypatch)
    assert cfg.Exchange.root == course["exchange"]
    assert cfg.CourseDirectory.course_id == course["course"]
    assert cfg.Exchange.path_includes_course is True
    assert cfg.Authenticator.plugin_class == "nbgrader.auth.JupyterHubAuthPlugin"


def test_formgraders_nbgrader_config_matches_the_values(values, objects, monkeypatch):
    course = values["custom"]["ssrCourse"]
    (container,) = objects["Deployment", "ssr-formgrader"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"] if "value" in e}
    assert env["JUPYTER_CONFIG_PATH"].split(":")[-1] == f"{course['repoDir']}/hub/jupyter-config"
    hub_cfg = _nbgrader_config(ROOT / "hub" / "jupyter-config", env, monkeypatch)
    course_cfg = _nbgrader_config(ROOT / "grader", env, monkeypatch)  # copied to the pod's working folder
    for cfg in (hub_cfg, course_cfg):
        assert cfg.Exchange.root == course["exchange"]
        assert cfg.CourseDirectory.course_id == course["course"]
    assert container["workingDir"] == env["SSR_COURSE_DIR"]
