"""Settings of {{ cookiecutter.project_name }}, read by proj when it loads the project.

Every setting is optional: proj uses its default for any name not set here. Uncomment
a line to change one. proj only reads the upper-case names listed below.
"""

# ---- Hooks
# Objects whose methods are marked with @proj.hooks.hook_impl; proj calls them around
# runs, nodes and dataset loads/saves. A tuple, even for one object (note the comma):
#
# from {{ cookiecutter.package_name }}.hooks import ProjectHooks
# HOOKS = (ProjectHooks(),)

# ---- Configuration folder
# Where catalog.yml, parameters.yml and credentials.yml live, relative to the
# project root (default "conf").
#
# CONF_SOURCE = "conf"

# ---- Run store
# The SQLite file in which proj records every run and node (what ran, when, status,
# parameters, git commit); `proj run --resume` reads it. Relative to the project root
# (default ".proj/runs.db"); None turns recording off.
#
# RUN_STORE_PATH = ".proj/runs.db"

# ---- Configuration loader
# Keyword arguments for proj.config.ConfigLoader: the base environment, the default
# run environment, extra file patterns by key, and how environments merge.
#
# CONFIG_LOADER_ARGS = {
#     "base_env": "base",
#     "default_run_env": "local",
#     "config_patterns": {"spark": ["spark*", "spark*/**"]},
# }
