/**
 * A TensorFlow.js layers model picked in the window (model.json and the weights files it names, picked
 * together) as a weights file: the weights files are put in the manifest's order and imported.
 */
import * as z from 'zod';
import { fail } from '../errors.ts';
import { importTfjsFile, tfjsWeightPaths } from '../formats/tfjs-import.ts';
import { serializeWeights } from '../formats/weights-file.ts';
import { check } from './requests.ts';

/** One weights file as the window sends it. */
export interface TfjsWeightsPart {
  name: string;
  bytes: Uint8Array;
}

const partsSchema = z
  .array(z.strictObject({ name: z.string().max(255), bytes: z.instanceof(Uint8Array) }))
  .max(64);

/** The weights file's text for model.json's text and the weights files picked with it. */
export function tfjsWeightsText(modelJson: unknown, parts: unknown): string {
  const text = check(z.string().max(256 * 1024 * 1024), modelJson, 'TensorFlow.js model');
  const files = check(partsSchema, parts, 'TensorFlow.js model');
  const chunks = tfjsWeightPaths(text).map((path) => {
    const f = files.find((p) => p.name === path);
    if (!f) return fail('BAD_FILE', 'file.tfjsWeightsNotPicked', { name: path });
    return f.bytes;
  });
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return serializeWeights(importTfjsFile(text, bytes));
}
