"""Fushun 双随机、一公开 warehouse: ingestion, simulation and orchestration."""
