from django.core.management.base import BaseCommand

from gonghui.orgs.services import regions_load


class Command(BaseCommand):
    help = "Load or refresh the GB/T 2260 administrative divisions shipped in orgs/data/regions.csv."

    def handle(self, *args: object, **options: object) -> None:
        count = regions_load()
        self.stdout.write(self.style.SUCCESS(f"{count} regions loaded."))
