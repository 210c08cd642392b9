"""htmx attributes are written in their valid-HTML form (data-hx-*): scripts/htmx_data_attrs.py --check."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "htmx_data_attrs.py"


def test_no_bare_hx_attributes_left():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, f"run scripts/htmx_data_attrs.py:\n{result.stdout}{result.stderr}"
