"""Running an install: the ``flask`` commands (cli), the database's
migrations (migrate), backups and their restore (backup), the demo data
(demo) and the tasks on a clock the job worker runs (schedule).

A top layer beside portal.web and portal.staff: it may import any of the
core; only the wiring (portal.web) imports it, to add the commands."""
