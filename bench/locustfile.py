"""A day at the command center, for locust (run by bench/load.py, which starts the server and hands out tokens).

Center staff, district operators and units signed in on the web open their workbench, their queues and lists,
case pages, the map and the dashboard, a few seconds apart; supervisors report through the API with a photo, every half
minute or so each. Each request is named by what it is, so that locust's table reads as the mix.
"""

import io
import json
import os
import random
import uuid

from locust import HttpUser, between, task

with open(os.environ["LOAD_SETUP"]) as setup:
    SETUP = json.load(setup)


def photo() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (1280, 960), (120, 130, 110))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


PHOTO = photo()


class Staff(HttpUser):
    weight = 3
    wait_time = between(3, 10)

    def on_start(self):
        # signed in beforehand (bench/load.py): a password check at production strength takes most of a second
        # of CPU, and a morning's sign-ins are spread over an hour, not over the first seconds of a test
        self.desk = random.choice(SETUP["desks"])
        self.client.cookies.set("sessionid", random.choice(self.desk["sessions"]))

    @task(4)
    def workbench(self):
        self.client.get("/", name="workbench")

    @task(4)
    def open_cases(self):
        self.client.get("/cases/?queue=open", name="list: open cases")

    @task(2)
    def filtered(self):
        self.client.get(f"/cases/?state=closed&category={random.choice(SETUP['categories'])}", name="list: filtered")

    @task(6)
    def case_page(self):
        self.client.get(f"/cases/{random.choice(self.desk['cases'])}/", name="case page")

    @task(1)
    def city_map(self):
        self.client.get("/map/", name="map page")
        self.client.get("/api/gis/cases/?queue=open&zoom=12", name="map: clusters")

    @task(1)
    def dashboard(self):
        if self.desk["dashboard"]:
            self.client.get("/evaluation/", name="dashboard")


class Supervisor(HttpUser):
    weight = 2
    wait_time = between(20, 40)

    def on_start(self):
        self.token = random.choice(SETUP["tokens"])

    @task
    def report(self):
        lon, lat = random.choice(SETUP["points"])
        self.client.post(
            "/api/cases/",
            data={
                "source": "supervisor",
                "category": random.choice(SETUP["categories"]),
                "description": "路面有暴露垃圾",
                "longitude": lon,
                "latitude": lat,
            },
            files={"photos": ("before.jpg", PHOTO, "image/jpeg")},
            headers={"Authorization": f"Token {self.token}", "Idempotency-Key": uuid.uuid4().hex},
            name="report with a photo",
        )
