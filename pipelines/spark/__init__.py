"""The dbt project on Spark: the parity run against DuckDB and the table comparison (docs/scaling.md)."""
