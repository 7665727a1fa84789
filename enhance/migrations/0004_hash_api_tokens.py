"""API token keys are stored as digests (enhance.tokens.digest): existing keys keep working, hashed in place."""

import hashlib

from django.db import migrations


def hash_keys(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    for key in list(Token.objects.values_list("key", flat=True)):
        # The same digest as enhance.tokens.digest (a migration must not import code that may change).
        Token.objects.filter(key=key).update(key=hashlib.sha256(key.encode()).hexdigest()[:40])


class Migration(migrations.Migration):
    dependencies = [("enhance", "0003_upload_batch"), ("authtoken", "0004_alter_tokenproxy_options")]
    # Not reversible: a digest cannot be turned back into its key (people make new tokens instead).
    operations = [migrations.RunPython(hash_keys, migrations.RunPython.noop)]
