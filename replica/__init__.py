"""An offline replica of the portals: generated pages with known truth, served on loopback.

``Replica`` is the site, ``truth`` its manifest without a server, ``serve``/``ReplicaServer`` the HTTP server.
See ``docs/replica.md``.
"""

from replica.server import ReplicaServer, serve
from replica.site import Replica, truth

__all__ = ["Replica", "ReplicaServer", "serve", "truth"]
