from django.core.management.base import BaseCommand, CommandParser

from gonghui.members.services import roster_import_files_purge


class Command(BaseCommand):
    help = "Delete uploaded roster files (plain ID numbers) of finished imports older than N days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: object, **options: object) -> None:
        removed = roster_import_files_purge(older_than_days=int(str(options["days"])))
        self.stdout.write(f"{removed} roster files removed.")
