import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_mlcore_core_imports_neither_django_nor_enhance():
    code = (
        "import sys, mlcore, mlcore.inference, mlcore.training, mlcore.evaluation, mlcore.data, mlcore.archs, "
        "mlcore.reporting\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'rest_framework', 'enhance'}))"
    )
    assert run_python(code) == "[]"


def test_importing_mlcore_does_not_import_torch():
    assert run_python("import sys, mlcore; mlcore.list_models(); print('torch' in sys.modules)") == "False"


def test_import_linter_contract_holds():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
