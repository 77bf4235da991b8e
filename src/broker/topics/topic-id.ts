/**
 * Kafka topic ids: 16 random bytes shown as URL-safe base64 without padding (Uuid.toString()).
 * Like Kafka's Uuid.randomUuid, ids that print with a leading '-' (awkward on command lines) and
 * the reserved ZERO / METADATA_TOPIC ids are never handed out.
 */
import {randomBytes} from 'node:crypto';

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

export function randomTopicId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-') && id !== ZERO_UUID && id !== METADATA_TOPIC_ID) return id;
  }
}

/** True for a 22-character URL-safe base64 string (what Uuid.toString() produces). */
export function isTopicId(value: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(value) && Buffer.from(value, 'base64url').length === 16;
}
