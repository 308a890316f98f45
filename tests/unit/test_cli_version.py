import subprocess
import sys

from mailguard import __version__


def test_python_dash_m_runs_the_cli(repo_root) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mailguard", "version"],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith(f"mailguard {__version__}")
