"""The one DbtProject (kept alone so `dagster-dbt project prepare-and-package --file` can import it)."""
from pathlib import Path

from dagster_dbt import DbtProject

sssg_dbt_project = DbtProject(
    project_dir=Path(__file__).resolve().parent.parent / "dbt_project",
    profiles_dir=Path(__file__).resolve().parent.parent / "dbt_project",
)
sssg_dbt_project.prepare_if_dev()
