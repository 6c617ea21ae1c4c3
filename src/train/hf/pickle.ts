import { WordmillError } from '../../errors.js';

/**
 * A bounded pickle reader: the opcodes `torch.save` emits for a state_dict (protocol 2; the
 * protocol-4 framing too), nothing else. It never imports or calls anything: GLOBAL resolves only
 * the names in `globals` (the caller's own functions), and any other name is refused, so a
 * checkpoint cannot run code here as it can in Python's unpickler.
 */
export type PickleValue = unknown;
export interface PickleHooks {
  /** `module name` → a function REDUCE may call (OrderedDict, _rebuild_tensor_v2, the storage types). */
  globals: Record<string, (...args: PickleValue[]) => PickleValue>;
  /** BINPERSID's id (torch's ('storage', type, key, location, numel) tuple) → the object it names. */
  persistentLoad(id: PickleValue): PickleValue;
}

const MARK = Symbol('mark');
/** A global: a name pickle looked up, called by REDUCE. */
export class PyGlobal { constructor(readonly name: string, readonly fn: (...a: PickleValue[]) => PickleValue) {} }
/** A dict with insertion order (Python's dict and OrderedDict); keys are strings in a state_dict. */
export class PyDict extends Map<PickleValue, PickleValue> { attrs: Record<string, PickleValue> = {} }

export function unpickle(file: string, buf: Uint8Array, hooks: PickleHooks): PickleValue {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const fail = (why: string): never => { throw new WordmillError('WM_ERR_CHECKPOINT', `${file}: ${why}`, { path: file }); };
  // Only the globals a torch state_dict uses resolve: nothing in the file can name code to run.
  const global = (name: string): PyGlobal => {
    const fn = Object.hasOwn(hooks.globals, name) ? hooks.globals[name] : undefined;
    if (!fn) fail(`the pickle needs ${name.replace(' ', '.')}, which a torch state_dict does not use; wordmill loads no other objects (convert it to model.safetensors)`);
    return new PyGlobal(name, fn!);
  };
  const stack: PickleValue[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = 0;
  const need = (n: number) => { if (pos + n > buf.length) fail('the pickle is truncated'); };
  const u8 = () => { need(1); return buf[pos++]; };
  const u16 = () => { need(2); const v = view.getUint16(pos, true); pos += 2; return v; };
  const u32 = () => { need(4); const v = view.getUint32(pos, true); pos += 4; return v; };
  const i32 = () => { need(4); const v = view.getInt32(pos, true); pos += 4; return v; };
  const bytes = (n: number) => { need(n); const b = buf.subarray(pos, pos + n); pos += n; return b; };
  const utf8 = (n: number) => new TextDecoder('utf-8', { fatal: true }).decode(bytes(n));
  const line = () => { const end = buf.indexOf(0x0a, pos); if (end < 0) fail('the pickle is truncated'); const s = new TextDecoder().decode(buf.subarray(pos, end)); pos = end + 1; return s; };
  const pop = () => { if (stack.length === 0) fail('the pickle pops an empty stack'); return stack.pop(); };
  const popMark = (): PickleValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail('the pickle has no MARK');
    return stack.splice(at).slice(1);
  };
  const top = () => stack[stack.length - 1];
  const dictAt = (d: PickleValue): PyDict => (d instanceof PyDict ? d : fail('the pickle sets an item on something that is not a dict'));
  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: bytes(8); break; // FRAME (protocol 4): the length is only a read-ahead hint
      case 0x2e: return pop(); // STOP
      case 0x28: stack.push(MARK); break; // MARK
      case 0x7d: stack.push(new PyDict()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE (tuples are frozen arrays here)
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(), a = pop(); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(), b = pop(), a = pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x8a: { // LONG1: little-endian two's complement
        const b = bytes(u8());
        let v = 0n;
        for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (b.length && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) fail(`an integer (${v}) beyond 2^53`);
        stack.push(Number(v));
        break;
      }
      case 0x47: { need(8); stack.push(view.getFloat64(pos, false)); pos += 8; break; } // BINFLOAT (big-endian)
      case 0x58: stack.push(utf8(u32())); break; // BINUNICODE
      case 0x8c: stack.push(utf8(u8())); break; // SHORT_BINUNICODE
      case 0x43: stack.push(bytes(u8())); break; // SHORT_BINBYTES
      case 0x42: stack.push(bytes(u32())); break; // BINBYTES
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k)) fail(`the pickle reads memo ${k}, which it never stored`);
        stack.push(memo.get(k));
        break;
      }
      case 0x63: { // GLOBAL "module\nname\n"
        const name = `${line()} ${line()}`;
        stack.push(global(name));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const n = pop(), m = pop();
        const name = `${String(m)} ${String(n)}`;
        stack.push(global(name));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop(), f = pop();
        if (!(f instanceof PyGlobal) || !Array.isArray(args)) fail('the pickle calls something that is not a known global');
        stack.push((f as PyGlobal).fn(...(args as PickleValue[])));
        break;
      }
      case 0x51: stack.push(hooks.persistentLoad(pop())); break; // BINPERSID
      case 0x73: { const v = pop(), k = pop(); dictAt(top()).set(k, v); break; } // SETITEM
      case 0x75: { // SETITEMS
        const items = popMark();
        const d = dictAt(top());
        for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
        break;
      }
      case 0x61: { const v = pop(); (top() as PickleValue[]).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); (top() as PickleValue[]).push(...items); break; } // APPENDS
      case 0x62: { // BUILD: a state_dict's `_metadata` (per-module versions) becomes attributes
        const state = pop();
        const obj = top();
        if (obj instanceof PyDict && state instanceof PyDict) for (const [k, v] of state) obj.attrs[String(k)] = v;
        break;
      }
      default: fail(`the pickle uses opcode 0x${op.toString(16)} at byte ${pos - 1}, which torch.save does not emit for a state_dict (convert it to model.safetensors)`);
    }
  }
}
