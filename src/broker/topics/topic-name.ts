/** Kafka's topic name rules (org.apache.kafka.common.internals.Topic). */

export const MAX_TOPIC_NAME_LENGTH = 249;
export const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);

/** Kafka's message for an illegal name, or null when the name is legal. */
export function topicNameError(name: string): string | null {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty';
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

/** '.' and '_' collide in metric names, so Kafka refuses topics that differ only by them. */
export function unifyCollisionChars(name: string): string {
  return name.replace(/\./g, '_');
}
