"""The install metadata keeps its promises: one Python floor, the TensorFlow wheel that
exists on each machine, and package floors that the tested pins satisfy."""
import pathlib
import re
import tomllib

from packaging.requirements import Requirement

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _pins():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]


def test_one_python_floor_everywhere():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    assert "sys.version_info < (3, 11)" in (ROOT / "course.py").read_text()
    assert "Python 3.11 or newer" in (ROOT / "README.md").read_text()
    assert "python=3.11" in (ROOT / "environment.yml").read_text()


# (sys_platform, platform_machine) -> the TensorFlow wheel that exists there (PyPI, 2.21)
MACHINES = {("linux", "x86_64"): "tensorflow-cpu", ("linux", "aarch64"): "tensorflow",
            ("darwin", "arm64"): "tensorflow", ("win32", "AMD64"): "tensorflow-cpu"}


def test_each_machine_gets_the_tensorflow_wheel_that_exists_for_it():
    for file in ("requirements.txt", "pyproject.toml"):
        if file == "requirements.txt":
            reqs = _pins()
        else:
            reqs = [Requirement(r) for r in
                    tomllib.loads((ROOT / file).read_text())["project"]["dependencies"]]
        tf = [r for r in reqs if r.name in ("tensorflow", "tensorflow-cpu")]
        for (platform, machine), wanted in MACHINES.items():
            env = {"sys_platform": platform, "platform_machine": machine,
                   "platform_system": {"linux": "Linux", "darwin": "Darwin",
                                       "win32": "Windows"}[platform]}
            chosen = [r.name for r in tf if r.marker is None or r.marker.evaluate(env)]
            assert chosen == [wanted], f"{file} on {platform} {machine}: {chosen}"


def test_the_pins_satisfy_the_package_floors():
    pins = {r.name.lower(): next(iter(r.specifier)).version for r in _pins()}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"]:
        req = Requirement(spec)
        if req.name.lower() in pins:
            assert req.specifier.contains(pins[req.name.lower()]), (req, pins[req.name.lower()])
    keras = next(Requirement(d) for d in project["dependencies"] if d.startswith("keras"))
    assert not keras.specifier.contains("3.11"), "TensorFlow 2.21 and gankit need a newer Keras"
    # an SPDX licence string: the licence table makes every editable install warn
    assert re.search(r'^license = "MIT"', (ROOT / "pyproject.toml").read_text(), re.M)
