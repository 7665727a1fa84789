"""Every package the code imports is pinned, in the file of the part that needs it, at the installed version."""

import ast
import re
import sys
from importlib.metadata import packages_distributions, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCAL = {"enhance", "mlcore", "srsite", "tests", "benchmarks"}
# Training's packages may be imported only here (the site runs without them).
TRAINING_ONLY = {
    "mlcore/reporting.py",
    "mlcore/management/commands/train.py",
    "mlcore/management/commands/compare_optimizers.py",
}


def _name(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def pins(filename: str) -> dict[str, str]:
    """``{distribution: version}`` of a requirements file, following its ``-r`` includes."""
    found = {}
    for line in (ROOT / filename).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            found |= pins(line[3:].strip())
        elif line:
            name, _, pinned = line.partition("==")
            assert pinned, f"{filename}: {line} is not pinned"
            found[_name(name.split("[")[0])] = pinned
    return found


def imported(files) -> dict[str, set[str]]:
    """``{distribution: files importing it}`` for the third-party imports in ``files``."""
    by_package = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top not in LOCAL:
                    for distribution in by_package.get(top, [top]):
                        found.setdefault(_name(distribution), set()).add(str(path.relative_to(ROOT)))
    return found


def unpinned(files, requirements: str) -> dict[str, set[str]]:
    """The imported distributions ``requirements`` (with its includes) does not pin, and who imports them."""
    pinned = pins(requirements)
    return {name: paths for name, paths in imported(files).items() if name not in pinned}


def python_files(*folders: str):
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py")) if "migrations" not in p.parts]


def test_the_site_imports_only_what_requirements_txt_pins():
    files = [p for p in python_files("enhance", "mlcore", "srsite") if str(p.relative_to(ROOT)) not in TRAINING_ONLY]
    assert unpinned(files, "requirements.txt") == {}


def test_training_imports_only_what_requirements_train_txt_pins():
    files = [ROOT / name for name in sorted(TRAINING_ONLY)]
    assert unpinned(files, "requirements-train.txt") == {}
    assert {"tqdm", "matplotlib"} <= pins("requirements-train.txt").keys() - pins("requirements.txt").keys()


def test_everything_else_imports_only_what_requirements_dev_txt_pins():
    files = [*python_files("tests", "benchmarks", "examples", "scripts"), ROOT / "manage.py"]
    assert unpinned(files, "requirements-dev.txt") == {}


def test_pins_are_the_installed_versions():
    installed = {name: version(name).split("+")[0] for name in pins("requirements-dev.txt")}  # 2.13.0+cpu: 2.13.0
    assert {name: pinned for name, pinned in pins("requirements-dev.txt").items() if installed[name] != pinned} == {}
