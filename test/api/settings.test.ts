import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { checkBaseUrl, readManagementKey } from '../../src/api/index.js';

describe('checkBaseUrl', () => {
  test.each([
    ['https://openrouter.ai/api/v1', 'https://openrouter.ai/api/v1'],
    ['https://openrouter.ai/api/v1/', 'https://openrouter.ai/api/v1'],
    ['https://openrouter.ai/api/v1//', 'https://openrouter.ai/api/v1'],
    ['  https://OpenRouter.AI/api/v1 ', 'https://openrouter.ai/api/v1'],
    ['https://proxy.example.com:8443', 'https://proxy.example.com:8443'],
    ['http://127.0.0.1:4010/api/v1', 'http://127.0.0.1:4010/api/v1'],
    ['http://127.5.6.7/api/v1', 'http://127.5.6.7/api/v1'],
    ['http://localhost:4010/api/v1/', 'http://localhost:4010/api/v1'],
    ['http://LOCALHOST:4010', 'http://localhost:4010'],
    ['http://[::1]:4010/api/v1', 'http://[::1]:4010/api/v1'],
  ])('accepts %s as %s', (input, expected) => {
    expect(checkBaseUrl(input)).toBe(expected);
  });

  test.each([
    ['not a url', /is not a URL/],
    ['', /is not a URL/],
    ['openrouter.ai/api/v1', /is not a URL/],
    ['ftp://openrouter.ai/api/v1', /must use https:\/\/ \(ftp: is not supported\)/],
    ['file:///etc/passwd', /must use https:\/\//],
    ['http://openrouter.ai/api/v1', /the key would travel in clear text/],
    ['http://10.0.0.5:4010/api/v1', /the key would travel in clear text/],
    ['http://128.0.0.1/api/v1', /the key would travel in clear text/],
    ['http://localhost.evil.com/api/v1', /the key would travel in clear text/],
    ['http://[::2]/api/v1', /the key would travel in clear text/],
    ['https://openrouter.ai/api/v1?x=1', /must not have a query or a fragment/],
    ['https://openrouter.ai/api/v1#top', /must not have a query or a fragment/],
  ])('refuses %j', (input, message) => {
    expect(() => checkBaseUrl(input)).toThrow(UsageError);
    expect(() => checkBaseUrl(input)).toThrow(message);
  });

  test('refuses user info without printing it', () => {
    const attempt = () => checkBaseUrl('https://alice:hunter2@openrouter.ai/api/v1');
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow('must not contain a user name or password');
    expect(attempt).not.toThrow(/hunter2/);
  });
});

describe('readManagementKey', () => {
  const missing =
    'OPENROUTER_MANAGEMENT_KEY is not set: export a management key (https://openrouter.ai/settings/management-keys)';

  test('returns the key, without surrounding whitespace', () => {
    expect(readManagementKey({ OPENROUTER_MANAGEMENT_KEY: 'sk-or-v1-abc' })).toBe('sk-or-v1-abc');
    expect(readManagementKey({ OPENROUTER_MANAGEMENT_KEY: ' sk-or-v1-abc\n' })).toBe(
      'sk-or-v1-abc',
    );
  });

  test.each([
    {},
    { OPENROUTER_MANAGEMENT_KEY: undefined },
    { OPENROUTER_MANAGEMENT_KEY: '' },
    { OPENROUTER_MANAGEMENT_KEY: ' \n' },
  ])('throws a UsageError naming the variable for %j', (env) => {
    expect(() => readManagementKey(env)).toThrow(UsageError);
    expect(() => readManagementKey(env)).toThrow(missing);
  });

  test('reads no other variable', () => {
    expect(() => readManagementKey({ OPENROUTER_API_KEY: 'sk-or-v1-abc' })).toThrow(missing);
  });

  test('refuses a key a header cannot carry, without quoting it', () => {
    const attempt = () => readManagementKey({ OPENROUTER_MANAGEMENT_KEY: 'sk-or secret\u0007' });
    expect(attempt).toThrow(UsageError);
    expect(attempt).not.toThrow(/secret/);
  });
});
