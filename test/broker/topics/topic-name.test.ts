import {describe, expect, it} from 'vitest';
import {topicNameError, unifyCollisionChars} from '../../../src/broker/topics/topic-name.js';
import {isTopicId, randomTopicId, ZERO_UUID} from '../../../src/broker/topics/topic-id.js';

describe('topic names', () => {
  it('accepts Kafka-legal names', () => {
    for (const name of ['a', 'orders.v1', 'my_topic-2', 'x'.repeat(249)]) expect(topicNameError(name)).toBeNull();
  });
  it('rejects illegal names with Kafka messages', () => {
    expect(topicNameError('')).toMatch(/can't be empty/);
    expect(topicNameError('.')).toMatch(/cannot be "." or ".."/);
    expect(topicNameError('..')).toMatch(/cannot be "." or ".."/);
    expect(topicNameError('x'.repeat(250))).toMatch(/longer than 249 characters/);
    expect(topicNameError('a b')).toMatch(/character other than ASCII alphanumerics/);
    expect(topicNameError('é')).toMatch(/character other than ASCII alphanumerics/);
  });
  it('unifies . and _ for collision checks', () => {
    expect(unifyCollisionChars('a.b_c')).toBe(unifyCollisionChars('a_b.c'));
  });
});

describe('topic ids', () => {
  it('are 22-character URL-safe base64 of 16 bytes, never zero or starting with -', () => {
    for (let i = 0; i < 200; i++) {
      const id = randomTopicId();
      expect(isTopicId(id)).toBe(true);
      expect(id.startsWith('-')).toBe(false);
      expect(id).not.toBe(ZERO_UUID);
    }
    expect(isTopicId('Yjwa-XTYSF28JSz9pdcuyw')).toBe(true);
    expect(isTopicId('short')).toBe(false);
  });
});
