"""The package as a user gets it: `pip install client/python` (no network: the build backend is the
system's setuptools), then `import conduit` from where pip put it."""

import pathlib
import shutil
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parents[1]


def test_pip_installs_the_package_with_its_typing_marker(tmp_path):
    # from a copy: setuptools builds in the source folder, which stays as it is
    source = tmp_path / "conduit-client"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    target = tmp_path / "site"
    build = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                            "--no-index", "--target", str(target), str(source)],
                           capture_output=True, text=True, timeout=300, cwd=str(tmp_path))
    assert build.returncode == 0, build.stdout + build.stderr
    assert (target / "conduit" / "py.typed").exists()
    assert (target / "conduit" / "worker.py").exists()
    check = subprocess.run([sys.executable, "-c", "import conduit, conduit.aio, conduit.worker; "
                            "print(conduit.__version__, conduit.__file__)"],
                           capture_output=True, text=True, timeout=60, cwd=str(tmp_path),
                           env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"})
    assert check.returncode == 0, check.stderr
    version, where = check.stdout.split()
    assert version == "0.1.0"
    assert where.startswith(str(target))
