"""Enhance one image through srsite's REST API, with nothing but `requests`.

Gets a token with your username and password, uploads the image (which queues it), polls
`/display` until the result is ready (it answers 202 with the progress meanwhile) and saves the PNG:

    python examples/api_client.py http://127.0.0.1:8000 alice 'my password' photo.jpg --scale 4 -o photo_x4.png
"""

import argparse
import sys
import time
from pathlib import Path

import requests


class ApiError(Exception):
    """The server refused or failed; the message is its `{"error": …}` text."""


def checked(response: requests.Response) -> requests.Response:
    if response.ok:
        return response
    try:
        message = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        message = response.text[:200] or response.reason
    raise ApiError(f"{response.status_code}: {message}")


def enhance(args: argparse.Namespace) -> Path:
    base = args.base_url.rstrip("/")
    session = requests.Session()
    credentials = {"username": args.username, "password": args.password}
    token = checked(session.post(f"{base}/api/auth/token/", data=credentials, timeout=30)).json()["token"]
    session.headers["Authorization"] = f"Token {token}"
    print("Signed in; got a token.")

    image = Path(args.image)
    with image.open("rb") as file:
        options = {"scale": args.scale, "model": args.model}
        response = session.post(f"{base}/upload_img", files={"image": (image.name, file)}, data=options, timeout=120)
    created = checked(response).json()
    print(f"Uploaded {image.name} as enhancement #{created['id']} ({created['status']}).")

    deadline = time.monotonic() + args.timeout
    last = None
    while True:
        response = checked(session.get(created["urls"]["display"], timeout=120))
        if response.status_code != 202:
            break
        state = response.json()
        line = f"  {state['status']}" + (
            f", position {state['queue_position']} in the queue"
            if state["queue_position"]
            else f", {state['progress']}%"
        )
        if line != last:
            print(line)
            last = line
        if time.monotonic() > deadline:
            raise ApiError(f"still {state['status']} after {args.timeout:.0f} s; see {created['urls']['result_page']}")
        time.sleep(args.interval)

    output = Path(args.output or f"{image.stem}_x{args.scale}.png")
    output.write_bytes(response.content)
    print(f"Saved {output} ({len(response.content):,} bytes).")
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Upscale an image with srsite's API and save the PNG.")
    parser.add_argument("base_url", help="the site, e.g. http://127.0.0.1:8000")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.add_argument("image", help="the image file to enhance")
    parser.add_argument("--scale", type=int, choices=(2, 3, 4), default=2)
    parser.add_argument("--model", default="default", help="a name from /api/models/ (default: the best shipped)")
    parser.add_argument("-o", "--output", help="where to save the PNG (default: <image stem>_x<scale>.png)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    parser.add_argument("--timeout", type=float, default=600, help="give up waiting after this many seconds")
    args = parser.parse_args(argv)
    try:
        enhance(args)
    except (ApiError, requests.RequestException, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
