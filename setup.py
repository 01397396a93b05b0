"""The notebooks in the wheel: the project's ``notebooks/`` (the source analysts open) is copied
into the built package as ``ecolib/notebooks/``, so that a non-editable install (``pip install
.``, a wheel) renders reports without the project folder. Everything else is in pyproject.toml."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


class BuildWithNotebooks(build_py):
    def run(self):
        super().run()
        if self.editable_mode:                      # an editable install reads notebooks/ itself
            return
        target = Path(self.build_lib) / "ecolib" / "notebooks"
        target.mkdir(parents=True, exist_ok=True)
        notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
        if not notebooks:
            raise SystemExit(f"no notebooks to package in {NOTEBOOKS}")
        for notebook in notebooks:
            shutil.copyfile(notebook, target / notebook.name)


setup(cmdclass={"build_py": BuildWithNotebooks})
