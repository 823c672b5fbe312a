/**
 * ONNX messages as protocol-buffers bytes: the schema is ONNX's own (onnx-schema.ts, loaded with
 * protobufjs's `Root.fromJSON`), the bytes are written by protobufjs's `Writer`. The message walk is
 * led by the schema's reflection (field numbers, types, repetition, packing) instead of protobufjs's
 * `Type.encode`, which generates its encoder with `new Function` at run time: the app's Web Worker
 * runs under a Content-Security-Policy that allows no `eval`. Known fields are written in field-number
 * order, as protobufjs's own encoder writes them, so the bytes are the same.
 */
import protobuf from 'protobufjs/light.js';
import { ONNX_SCHEMA } from './onnx-schema.ts';

/** A message as plain data: ONNX's field names (snake_case), enums as their numbers. */
export type OnnxMessage = { readonly [field: string]: unknown };

let root: protobuf.Root | null = null;

/** The ONNX schema's message type `name` (e.g. "ModelProto"), the schema loaded on first use. */
export function onnxType(name: string): protobuf.Type {
  if (!root) {
    root = protobuf.Root.fromJSON(ONNX_SCHEMA);
    root.resolveAll();
  }
  return root.lookupType(`onnx.${name}`);
}

/**
 * Encodes `message` as ONNX type `typeName`. Throws on a field the type does not have (so a misspelt
 * field is an error, not a silently missing value). Absent (undefined or null) fields are not written,
 * nor, as proto3 has it, a singular field outside a oneof that holds its default (0, "", false).
 */
export function encodeOnnx(typeName: string, message: OnnxMessage): Uint8Array {
  const w = new protobuf.Writer();
  writeMessage(onnxType(typeName), message, w);
  return w.finish();
}

type Scalar = keyof typeof protobuf.types.basic;

/** Writes one value of a scalar type (or an enum, written as int32). */
function writeScalar(w: protobuf.Writer, type: Scalar, value: unknown): void {
  (w[type] as (v: unknown) => protobuf.Writer).call(w, value);
}

/** The proto3 default of a scalar field: zero, false, the empty string or no bytes. */
const isDefault = (value: unknown): boolean =>
  value === 0 || value === false || value === '' || (value instanceof Uint8Array && value.length === 0);

function writeMessage(type: protobuf.Type, message: OnnxMessage, w: protobuf.Writer): void {
  for (const key of Object.keys(message))
    if (!Object.hasOwn(type.fields, key)) throw new Error(`onnx.${type.name} has no field "${key}"`);
  const fields = type.fieldsArray.slice().sort((a, b) => a.id - b.id);
  for (const field of fields) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    const resolved = field.resolve().resolvedType;
    // proto3: a singular field without presence is not written when it holds its default.
    if (!field.repeated && !field.hasPresence && isDefault(value)) continue;
    const values: readonly unknown[] = field.repeated ? (value as readonly unknown[]) : [value];
    if (field.repeated && !Array.isArray(value) && !ArrayBuffer.isView(value))
      throw new Error(`onnx.${type.name}.${field.name} is repeated: give a list`);
    if (resolved instanceof protobuf.Type) {
      for (const item of values) {
        w.uint32(((field.id << 3) | 2) >>> 0).fork();
        writeMessage(resolved, item as OnnxMessage, w);
        w.ldelim();
      }
      continue;
    }
    const scalar = (resolved instanceof protobuf.Enum ? 'int32' : field.type) as Scalar;
    const wireType = protobuf.types.basic[scalar];
    if (
      field.repeated &&
      field.packed &&
      (protobuf.types.packed as Record<string, number>)[scalar] !== undefined
    ) {
      if (values.length === 0) continue;
      w.uint32(((field.id << 3) | 2) >>> 0).fork();
      for (const item of values) writeScalar(w, scalar, item);
      w.ldelim();
      continue;
    }
    for (const item of values) {
      w.uint32(((field.id << 3) | wireType) >>> 0);
      writeScalar(w, scalar, item);
    }
  }
}
