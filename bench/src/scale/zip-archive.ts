/**
 * A minimal ZIP writer (deflated entries, no ZIP64) for the snapshot the
 * scale part hands `npx convex import`: Node's zlib does the compression
 * and the checksums, so the bench needs no archive dependency. The format
 * is PKWARE's APPNOTE: a local header before each entry's data, then the
 * central directory and its end record.
 */
import { crc32, deflateRawSync } from "node:zlib";

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION = 20;
const DEFLATE = 8;
/** Bit 11: names are UTF-8. */
const UTF8_NAMES = 0x0800;
/** Without ZIP64 every size and offset must fit in 32 bits. */
const LIMIT = 0xffff_ffff;

type Entry = { name: Buffer; crc: number; size: number; compressed: Buffer; offset: number };

function localHeader(entry: Entry): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(UTF8_NAMES, 6);
  header.writeUInt16LE(DEFLATE, 8);
  // Modification time and date stay 0: the import never reads them.
  header.writeUInt32LE(entry.crc, 14);
  header.writeUInt32LE(entry.compressed.length, 18);
  header.writeUInt32LE(entry.size, 22);
  header.writeUInt16LE(entry.name.length, 26);
  return Buffer.concat([header, entry.name]);
}

function centralHeader(entry: Entry): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(CENTRAL_HEADER, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(VERSION, 6);
  header.writeUInt16LE(UTF8_NAMES, 8);
  header.writeUInt16LE(DEFLATE, 10);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(entry.compressed.length, 20);
  header.writeUInt32LE(entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt32LE(entry.offset, 42);
  return Buffer.concat([header, entry.name]);
}

/**
 * A ZIP archive of `files` (name → contents), deflated.
 *
 * @example
 * writeFileSync("snapshot.zip", zipArchive(new Map([["user/documents.jsonl", Buffer.from("{}\n")]])));
 */
export function zipArchive(files: Map<string, Buffer>): Buffer {
  const parts: Buffer[] = [];
  const entries: Entry[] = [];
  let offset = 0;
  for (const [name, contents] of files) {
    const entry: Entry = {
      name: Buffer.from(name, "utf8"),
      crc: crc32(contents),
      size: contents.length,
      compressed: deflateRawSync(contents),
      offset,
    };
    if (entry.size > LIMIT || offset > LIMIT) throw new Error(`${name}: too large for a ZIP without ZIP64`);
    const header = localHeader(entry);
    parts.push(header, entry.compressed);
    offset += header.length + entry.compressed.length;
    entries.push(entry);
  }
  const central = Buffer.concat(entries.map(centralHeader));
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, central, end]);
}
