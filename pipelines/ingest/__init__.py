"""Validated ingestion of platform export files into the warehouse's raw schema."""
