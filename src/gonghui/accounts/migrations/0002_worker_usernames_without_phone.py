"""Worker accounts were named "w" + phone number, which put every phone in clear in the
database. Rename them to random names (the phone stays encrypted in `phone`)."""

import re
import secrets

from django.db import migrations

PHONE_USERNAME = re.compile(r"^w\+?\d{11,13}$")


def rename_phone_usernames(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    taken = set()
    batch = []
    for user in User.objects.filter(username__regex=r"^w[0-9+]").only("pk", "username").iterator(chunk_size=2000):
        if not PHONE_USERNAME.match(user.username):
            continue
        name = f"w_{secrets.token_hex(6)}"
        while name in taken or User.objects.filter(username=name).exists():
            name = f"w_{secrets.token_hex(6)}"
        taken.add(name)
        user.username = name
        batch.append(user)
        if len(batch) >= 1000:
            User.objects.bulk_update(batch, ["username"])
            batch = []
    if batch:
        User.objects.bulk_update(batch, ["username"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    # Renaming back would need the decrypted phone; the old names are not wanted anyway.
    operations = [migrations.RunPython(rename_phone_usernames, migrations.RunPython.noop)]
