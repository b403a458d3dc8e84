/**
 * Typed errors. Every failure the library can diagnose is one of these, so callers (and the CLI)
 * can tell a user's mistake from a broken GPU without parsing messages.
 */

/** Base class: `code` is stable and machine-readable; `message` names the problem for a person. */
export class BnnError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The caller passed something wrong: shapes, NaN, unknown names, out-of-range options. */
export class InvalidInputError extends BnnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options);
  }
}

/** A model file or model description is malformed, truncated, hostile or inconsistent. */
export class ModelFormatError extends BnnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_FORMAT', message, options);
  }
}

/** No WebGPU adapter or device could be obtained; the message says how to get one. */
export class GpuUnavailableError extends BnnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('GPU_UNAVAILABLE', message, options);
  }
}

/** A request exceeds what the device can do even after chunking (e.g. one layer too wide). */
export class DeviceLimitError extends BnnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DEVICE_LIMIT', message, options);
  }
}

/** The GPU device was lost (driver reset, destroy, out of memory); the engine cannot continue. */
export class DeviceLostError extends BnnError {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super('DEVICE_LOST', message);
    this.reason = reason;
  }
}

/** WGSL failed to compile or a pipeline failed validation: carries the compiler's messages. */
export class ShaderCompileError extends BnnError {
  readonly kernel: string;
  readonly messages: readonly string[];
  readonly source: string;
  constructor(kernel: string, messages: readonly string[], source: string) {
    super('SHADER_COMPILE', `kernel '${kernel}' failed to compile:\n${messages.join('\n')}`);
    this.kernel = kernel;
    this.messages = messages;
    this.source = source;
  }
}

/** A WebGPU validation / out-of-memory / internal error surfaced by an error scope or uncapturederror. */
export class GpuExecutionError extends BnnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('GPU_EXECUTION', message, options);
  }
}

/** Using an engine after dispose(). */
export class DisposedError extends BnnError {
  constructor(what: string) {
    super('DISPOSED', `${what} was used after dispose()`);
  }
}
