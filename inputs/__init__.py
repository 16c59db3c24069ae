"""The bundled cases (data only): `planner solve` with no input solves the default one."""
