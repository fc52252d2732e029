"""Chat with the running assistant in a terminal over REST (like `rasa shell`, with buttons).

Type a message, or the number of a button. Options: --url, --sender, --token (an auth_token JWT).
"""

from __future__ import annotations

import argparse
import os
import uuid

import requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=f"http://localhost:{os.environ.get('RASA_PORT', '5005')}")
    parser.add_argument("--sender", default=f"shell-{uuid.uuid4().hex[:8]}")
    parser.add_argument("--token", default=os.environ.get("ADVISOR_AUTH_TOKEN"))
    args = parser.parse_args()
    metadata = {"auth_token": args.token} if args.token else {}
    buttons: list[dict] = []
    print("Type a message (Ctrl-D to quit).")
    while True:
        try:
            text = input("you> ").strip()
        except EOFError:
            print()
            return
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        reply = requests.post(f"{args.url}/webhooks/rest/webhook",
                              json={"sender": args.sender, "message": text, "metadata": metadata}, timeout=60)
        reply.raise_for_status()
        buttons = []
        for message in reply.json():
            if message.get("text"):
                print(f"bot> {message['text']}")
            for button in message.get("buttons", []):
                buttons.append(button)
                print(f"     [{len(buttons)}] {button['title']}")


if __name__ == "__main__":
    main()
