/** Public API of the segment dumper (kstream dump-segment). */
export {dumpFiles, type DumpResult} from './dump.js';
export {resolveOptions, VALUE_DECODERS, type DumpOptions, type ValueDecoderName} from './options.js';
export type {DumpEvent, DumpSink, BatchEvent, RecordEvent} from './events.js';
export {formatEvent, formatBatch, formatRecord, type TextLine} from './text-format.js';
export {textSink, jsonSink, collectingSink, type StreamSink} from './sinks.js';
