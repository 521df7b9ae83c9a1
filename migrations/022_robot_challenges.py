"""Robot-check challenges kept on the server, so a solved one is spent by its
first use. Before, the picture's answer rode in the signed session cookie and
a saved cookie passed again and again until it expired."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class RobotChallenge(pw.Model):
        id = pw.CharField(max_length=64, primary_key=True)
        kind = pw.CharField(max_length=10)
        answer_hash = pw.CharField(max_length=64, default="")
        expires_at = pw.BigIntegerField(index=True)

        class Meta:
            table_name = "robot_challenge"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("robot_challenge")
