"""Django's PostGIS backend, with a health check of a kept connection that costs no round trip.

``CONN_HEALTH_CHECKS`` makes Django send ``SELECT 1`` before the first query of every request that reuses a
connection: a round trip more for every request (a report now needs three in all). An idle connection that is
still open has nothing to read; one the server ended (a restart, ``pg_terminate_backend``) has its notice or its
end waiting on the socket. So the socket is polled first, without waiting, and only a connection with something to
read is tested with Django's own check (and replaced if it fails).
"""

import select

from django.contrib.gis.db.backends.postgis.base import DatabaseWrapper as PostGISWrapper


class DatabaseWrapper(PostGISWrapper):
    def close_if_health_check_failed(self):
        checked = self.connection is not None and self.health_check_enabled and not self.health_check_done
        if checked and not self._has_word_from_server():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _has_word_from_server(self) -> bool:
        poller = select.poll()
        try:
            poller.register(self.connection.fileno(), select.POLLIN)
        except (OSError, ValueError, self.Database.Error):  # closed on this side already
            return True
        return bool(poller.poll(0))  # readable, hung up or in error
