"""Pages: validate the request, call one service or selector, render. Logic lives in services."""
