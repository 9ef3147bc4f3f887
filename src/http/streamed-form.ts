// A multipart form whose last part is a large file (the dataset upload page): its small fields are
// read first (busboy, a streaming parser), so the auth guard can check `_csrf` like any form's, and
// the file is handed to the handler as a stream, never held in memory. The form must put its file
// input last (browsers send parts in document order).
import { Readable } from "node:stream";
import busboy from "busboy";
import { BadRequest } from "../shared/errors";

export type StreamedForm = {
  fields: Record<string, string>;
  /** The file part, unread; null when the form has none. */
  file: Readable | null;
  /** Set only so the auth guard's CSRF check finds it where it looks for a form's. */
  _csrf?: string;
};

const FIELD_LIMITS = { fields: 16, fieldSize: 8 * 1024, files: 1, parts: 17 };

export function readFormHead(request: Request, contentType: string): Promise<StreamedForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { "content-type": contentType }, limits: FIELD_LIMITS });
    } catch {
      return reject(new BadRequest("The multipart body could not be parsed"));
    }
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    const done = (file: Readable | null) => resolve({ fields, file, _csrf: fields._csrf });
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (_name, stream) => done(stream));
    parser.on("close", () => done(null));
    parser.on("error", () => reject(new BadRequest("The multipart body could not be parsed")));
    Readable.fromWeb(request.body! as unknown as import("node:stream/web").ReadableStream).pipe(parser);
  });
}
