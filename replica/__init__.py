"""An offline replica of the portals: generated pages with known truth, served on loopback.

``Replica`` is the site, ``truth`` its manifest without a server, ``serve``/``ReplicaServer`` the HTTP server,
``mirror_pages`` the spam-mirror copies of some articles with their truth.
See ``docs/replica.md``.
"""

from replica.server import ReplicaServer, serve
from replica.site import Replica, mirror_pages, truth

__all__ = ["Replica", "ReplicaServer", "mirror_pages", "serve", "truth"]
