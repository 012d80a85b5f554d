import { isUtf8 } from 'node:buffer';
import type { MessageTypeDefinition, PackageDefinition } from '@grpc/proto-loader';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/** The descriptor fields this check reads (proto-loader's JSON form of `DescriptorProto`). */
interface FieldDescriptor {
  name: string;
  number: number;
  type: string;
  label: string;
  typeName: string;
}
interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  nestedType: MessageDescriptor[];
  options?: { mapEntry?: boolean } | null;
}

/** A string field whose bytes are not UTF-8: its proto name and where it is. */
export interface Utf8Violation {
  /** The field as the `sluice-field` trailer names it (`channel`, `job.type`, `attributes.key`). */
  field: string;
  /** Where exactly (`job_ids[3]`, `attributes[colour]`). */
  location: string;
}

interface FieldPlan {
  name: string;
  repeated: boolean;
  kind: 'string' | 'message' | 'map' | 'other';
  message?: MessagePlan;
}
type MessagePlan = Map<number, FieldPlan>;

/** Map keys quoted in a location only when they are plain identifiers. */
const PLAIN_KEY = /^[\w.\-/]{1,64}$/;
const STRING_TYPE = 'TYPE_STRING';
const MESSAGE_TYPE = 'TYPE_MESSAGE';
const REPEATED = 'LABEL_REPEATED';

/**
 * Finds string fields of a protobuf message whose bytes are not valid UTF-8
 * (as proto3 requires of `string`). Decoders such as ts-proto's replace such
 * bytes with U+FFFD silently — two different invalid keys would then become
 * one — so the front checks the raw bytes first and refuses the request
 * with INVALID_ARGUMENT naming the field. The plan of which fields are
 * strings, messages and maps comes from the .proto's descriptors.
 *
 * @example
 * ```ts
 * const check = new Utf8FieldCheck(descriptors, 'sluice.v1.SubmitJobRequest');
 * check.find(requestBytes); // { field: 'channel', location: 'channel' } or undefined
 * ```
 */
export class Utf8FieldCheck {
  readonly #plan: MessagePlan;

  constructor(definition: PackageDefinition, messageName: string) {
    const packageName = messageName.slice(0, messageName.lastIndexOf('.'));
    const resolve = (name: string, scope: MessageDescriptor): MessageDescriptor => {
      const nested = scope.nestedType.find((candidate) => candidate.name === name);
      if (nested !== undefined) return nested;
      // A qualified name (`google.protobuf.Timestamp`) is looked up as it is.
      const entry = (definition[name] ?? definition[`${packageName}.${name}`]) as
        MessageTypeDefinition<object, object> | undefined;
      if (entry?.type === undefined) throw new Error(`unknown message type ${name}`);
      return entry.type as MessageDescriptor;
    };
    const plans = new Map<MessageDescriptor, MessagePlan>();
    const planOf = (message: MessageDescriptor): MessagePlan => {
      const known = plans.get(message);
      if (known !== undefined) return known;
      const plan: MessagePlan = new Map();
      plans.set(message, plan);
      for (const field of message.field) {
        const repeated = field.label === REPEATED;
        if (field.type === STRING_TYPE) {
          plan.set(field.number, { name: field.name, repeated, kind: 'string' });
        } else if (field.type === MESSAGE_TYPE) {
          const target = resolve(field.typeName, message);
          const kind = target.options?.mapEntry === true ? 'map' : 'message';
          plan.set(field.number, { name: field.name, repeated, kind, message: planOf(target) });
        }
      }
      return plan;
    };
    const root = definition[messageName] as MessageTypeDefinition<object, object> | undefined;
    if (root?.type === undefined) throw new Error(`unknown message type ${messageName}`);
    this.#plan = planOf(root.type as MessageDescriptor);
  }

  /**
   * The first string field that is not UTF-8, or `undefined` when every one
   * is — and also when the bytes are not a well-formed message at all (the
   * decoder reports that).
   */
  find(bytes: Uint8Array): Utf8Violation | undefined {
    try {
      return walk(bytes, this.#plan, '');
    } catch {
      return undefined;
    }
  }
}

function walk(bytes: Uint8Array, plan: MessagePlan, prefix: string): Utf8Violation | undefined {
  const reader = new BinaryReader(bytes);
  const counts = new Map<number, number>();
  while (reader.pos < reader.len) {
    const [number, wireType] = reader.tag();
    const field = plan.get(number);
    if (field === undefined || field.kind === 'other' || wireType !== WireType.LengthDelimited) {
      reader.skip(wireType, number);
      continue;
    }
    const index = counts.get(number) ?? 0;
    counts.set(number, index + 1);
    const value = reader.bytes();
    const name = `${prefix}${field.name}`;
    const location = field.repeated && field.kind !== 'map' ? `${name}[${index}]` : name;
    if (field.kind === 'string') {
      if (!isUtf8(value)) return { field: name, location };
    } else if (field.kind === 'map') {
      const violation = walkMapEntry(value, name);
      if (violation !== undefined) return violation;
    } else if (field.message !== undefined) {
      const violation = walk(value, field.message, `${location}.`);
      if (violation !== undefined) {
        // A nested field is named from its root (`job.channel`), its location keeps the index.
        return {
          field: `${name}.${violation.field.slice(location.length + 1)}`,
          location: violation.location,
        };
      }
    }
  }
  return undefined;
}

/** A map entry `{ 1: key, 2: value }`: a bad key is `<map>.key`, a bad value `<map>[<key>]`. */
function walkMapEntry(bytes: Uint8Array, name: string): Utf8Violation | undefined {
  const reader = new BinaryReader(bytes);
  let key = '';
  let badValue = false;
  while (reader.pos < reader.len) {
    const [number, wireType] = reader.tag();
    if (wireType !== WireType.LengthDelimited || (number !== 1 && number !== 2)) {
      reader.skip(wireType, number);
      continue;
    }
    const value = reader.bytes();
    const valid = isUtf8(value);
    if (number === 1) {
      if (!valid) return { field: `${name}.key`, location: `${name}.key` };
      key = Buffer.from(value).toString('utf8');
    } else if (!valid) {
      badValue = true;
    }
  }
  if (!badValue) return undefined;
  const location = PLAIN_KEY.test(key) ? `${name}[${key}]` : `${name}.value`;
  return { field: location, location };
}
