"""Serving the pages: starting Voila, the passcode, the page's request, the page list and join links."""
