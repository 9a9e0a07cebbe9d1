from django.core.management.base import BaseCommand, CommandParser

from gonghui.members.roster_jobs import roster_imports_reap
from gonghui.members.services import roster_import_files_purge


class Command(BaseCommand):
    help = "Queue again or end imports whose worker died, then delete uploaded roster files (plain ID numbers) of finished imports older than N days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: object, **options: object) -> None:
        # First the jobs whose worker died, so their files are purged like any finished job's.
        reaped = roster_imports_reap()
        removed = roster_import_files_purge(older_than_days=int(str(options["days"])))
        self.stdout.write(f"{reaped} abandoned imports handled, {removed} roster files removed.")
