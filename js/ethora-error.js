// The SDK's error class, shared by both faces: the Node addon evaluates this file's text when
// it loads (src/errors.rs) and the edge build imports it as a module (crates/ethora-wasm).
// A genuine Error subclass carrying the fields the Rust core sets (ethora_core::EthoraError::js_fields).
export class EthoraError extends Error {
  constructor(message, details) {
    super(message)
    if (details !== undefined && details !== null) Object.assign(this, details)
  }
}
Object.defineProperty(EthoraError.prototype, 'name', { value: 'EthoraError', writable: true, configurable: true })

/** `new EthoraError(message, JSON.parse(fieldsJson))`; the edge build calls this. */
export function createEthoraError(message, fieldsJson) {
  return new EthoraError(message, JSON.parse(fieldsJson))
}
