// Receives a dataset upload: the request body (CSV or Parquet bytes, left unread by the body
// parser, see src/http/request-body.ts) is streamed to a file in DATASETS_DIR/.uploads chunk by
// chunk, each write awaited (so a fast client cannot fill memory), and refused past DATASET_MAX_MB.
import { open, rm } from "node:fs/promises";
import { BadRequest, HttpError } from "../../shared/errors";
import { STREAMED_BODY } from "../../http/request-body";
import { newUploadPath } from "./files";

export class UploadTooLarge extends HttpError {
  constructor(maxBytes: number) {
    super(413, `The upload is larger than DATASET_MAX_MB (${Math.round(maxBytes / 1024 / 1024)} MB)`);
  }
}

/** Streams the body to disk and returns the file's path; the caller removes it. */
export async function receiveUpload(request: Request, body: unknown, dir: string, maxBytes: number): Promise<string> {
  if (body !== STREAMED_BODY || !request.body) {
    throw new BadRequest("Send the file as the request body with Content-Type text/csv, application/vnd.apache.parquet or application/octet-stream");
  }
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) throw new UploadTooLarge(maxBytes);
  return writeUpload(request.body as unknown as AsyncIterable<Uint8Array>, dir, maxBytes);
}

/** Writes `source` to a new file under DATASETS_DIR/.uploads, refusing it past `maxBytes`. */
export async function writeUpload(source: AsyncIterable<Uint8Array>, dir: string, maxBytes: number): Promise<string> {
  const path = await newUploadPath(dir);
  const file = await open(path, "wx", 0o600);
  let total = 0;
  try {
    for await (const chunk of source) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new UploadTooLarge(maxBytes);
      await file.write(chunk);
    }
    if (total === 0) throw new BadRequest("The upload is empty");
    await file.close();
    return path;
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
}
