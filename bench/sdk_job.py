"""One image job through Segmind's Python SDK, the way its documentation shows it.

    python sdk_job.py BASE_URL PROMPT SEED OUTPUT

`client.submit_async(...).wait()` (which polls the status every 1.0 s, the SDK's default),
then an httpx download of the output URL to OUTPUT. Prints one JSON line on stdout:
{"request_id": ..., "path": ...}. The API key comes from SEGMIND_API_KEY, as the SDK reads it.

The SDK needs no patching to reach the emulator: `SegmindClient(base_url=...)` is its own
option. It expects the v1 base (`https://api.segmind.com/v1`) and derives the v2 prefix by
replacing the last path segment when that segment starts with "v", so we pass BASE_URL + "/v1".
"""

import json
import sys

import httpx
import segmind

MODEL = "flux-1.1-pro-ultra"


def main() -> int:
    base_url, prompt, seed, output = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    client = segmind.SegmindClient(base_url=base_url.rstrip("/") + "/v1")
    # The same body segflux sends for `generate PROMPT --seed SEED -o FILE.jpg`.
    job = client.submit_async(
        MODEL,
        prompt=prompt,
        aspect_ratio="1:1",
        seed=seed,
        raw=False,
        safety_tolerance=2,
        output_format="jpg",
    )
    result = job.wait()
    response = httpx.get(result["output"])
    response.raise_for_status()
    with open(output, "wb") as f:
        f.write(response.content)
    print(json.dumps({"request_id": job.request_id, "path": output}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
