"""Streamlit dashboard for the Fushun 双随机、一公开 warehouse (reads only the serving artefact)."""
