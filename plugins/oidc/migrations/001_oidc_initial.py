"""OpenID Connect providers (ThaID, Digital ID)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class OidcProvider(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=40, unique=True)
        label = pw.CharField(max_length=100)
        issuer = pw.CharField(max_length=255)
        client_id = pw.CharField(max_length=255)
        client_secret = pw.CharField(max_length=255, default="")
        scopes = pw.CharField(max_length=255, default="openid profile pid")
        national_id_claim = pw.CharField(max_length=40, default="pid")
        enabled = pw.BooleanField(default=True)
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "oidc_provider"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("oidc_provider")
