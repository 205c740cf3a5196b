import { describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import CommentForm from '../src/components/comments/CommentForm.vue';
import { COMMENT_MESSAGES, type CommentDraft } from '../src/composables/useCommentForm';
import type { UserError } from '../src/generated/graphql';

const valid: CommentDraft = {
  content: 'Sound pretty much like a Social Media Surgery to me',
  authorName: 'Dave Briggs',
  authorEmail: 'dave@example.com',
  authorUrl: '',
};

function mountForm(draft: Partial<CommentDraft> = {}, serverErrors: UserError[] = []) {
  const values = { ...valid, ...draft };
  const wrapper = mount(CommentForm, {
    props: {
      ...values,
      serverErrors,
      // Feed edits back in, as a parent's v-model would.
      'onUpdate:content': (v: string) => {
        void wrapper.setProps({ content: v });
      },
      'onUpdate:authorName': (v: string) => {
        void wrapper.setProps({ authorName: v });
      },
      'onUpdate:authorEmail': (v: string) => {
        void wrapper.setProps({ authorEmail: v });
      },
      'onUpdate:authorUrl': (v: string) => {
        void wrapper.setProps({ authorUrl: v });
      },
    },
  });
  return wrapper;
}

function field(wrapper: VueWrapper, name: keyof CommentDraft) {
  return wrapper.get(`[name="${name}"]`);
}

/** The message linked to a field through aria-describedby. */
function errorFor(wrapper: VueWrapper, name: keyof CommentDraft): string | null {
  const input = field(wrapper, name);
  const ids = input.attributes('aria-describedby')?.split(' ') ?? [];
  const messages = ids
    .map((id) => wrapper.find(`[id="${id}"]`))
    .filter((el) => el.exists() && el.classes('field__error'))
    .map((el) => el.text());
  return messages[0] ?? null;
}

async function submit(wrapper: VueWrapper): Promise<void> {
  await wrapper.get('form').trigger('submit');
}

describe('CommentForm', () => {
  it('shows the fields in the seed order, with the note and the button', () => {
    const wrapper = mountForm();
    const labels = wrapper.findAll('label').map((label) => label.text().replace(/\s+/g, ' '));
    expect(labels).toEqual(['Comment *', 'Name *', 'Email *', 'Website']);
    expect(wrapper.text()).toContain(
      'Your email address will not be published. Required fields are marked *',
    );
    expect(wrapper.get('button[type="submit"]').text()).toBe('Post Comment');
    expect(wrapper.get('form').attributes()).toHaveProperty('novalidate');
    expect(wrapper.get('h2').text()).toBe('Submit a Comment');
  });

  it('labels every control and marks required ones', () => {
    const wrapper = mountForm();
    for (const name of ['content', 'authorName', 'authorEmail', 'authorUrl'] as const) {
      const id = field(wrapper, name).attributes('id');
      expect(wrapper.find(`label[for="${id}"]`).exists()).toBe(true);
    }
    for (const name of ['content', 'authorName', 'authorEmail'] as const) {
      expect(field(wrapper, name).attributes('aria-required')).toBe('true');
      expect(field(wrapper, name).attributes()).toHaveProperty('required');
    }
    expect(field(wrapper, 'authorUrl').attributes('aria-required')).toBeUndefined();
  });

  it('emits a valid draft', async () => {
    const wrapper = mountForm({ authorUrl: 'https://davebriggs.net' });
    await submit(wrapper);
    expect(wrapper.emitted('submit')).toEqual([
      [{ ...valid, authorUrl: 'https://davebriggs.net' }],
    ]);
    expect(wrapper.findAll('.field__error')).toHaveLength(0);
  });

  it.each([
    ['missing name', { authorName: '  ' }, 'authorName', COMMENT_MESSAGES.nameRequired],
    ['long name', { authorName: 'n'.repeat(246) }, 'authorName', COMMENT_MESSAGES.nameTooLong],
    ['missing email', { authorEmail: '' }, 'authorEmail', COMMENT_MESSAGES.emailRequired],
    ['bad email', { authorEmail: 'dave@example' }, 'authorEmail', COMMENT_MESSAGES.emailInvalid],
    [
      'long email',
      { authorEmail: `${'d'.repeat(90)}@example.com` },
      'authorEmail',
      COMMENT_MESSAGES.emailTooLong,
    ],
    [
      'non-http website',
      { authorUrl: 'ftp://example.com' },
      'authorUrl',
      COMMENT_MESSAGES.urlScheme,
    ],
    [
      'javascript: website',
      { authorUrl: 'javascript:alert(1)' },
      'authorUrl',
      COMMENT_MESSAGES.urlScheme,
    ],
    ['malformed website', { authorUrl: 'http://' }, 'authorUrl', COMMENT_MESSAGES.urlInvalid],
    [
      'long website',
      { authorUrl: `https://example.com/${'p'.repeat(190)}` },
      'authorUrl',
      COMMENT_MESSAGES.urlTooLong,
    ],
    ['empty comment', { content: ' \n ' }, 'content', COMMENT_MESSAGES.contentRequired],
    ['long comment', { content: 'c'.repeat(10_001) }, 'content', COMMENT_MESSAGES.contentTooLong],
  ] as const)('rejects a %s under its field', async (_case, draft, name, message) => {
    const wrapper = mountForm(draft);
    await submit(wrapper);

    expect(wrapper.emitted('submit')).toBeUndefined();
    expect(errorFor(wrapper, name)).toBe(message);
    expect(field(wrapper, name).attributes('aria-invalid')).toBe('true');
    // Only the offending field is marked.
    expect(wrapper.findAll('[aria-invalid="true"]')).toHaveLength(1);
  });

  it('accepts limits exactly at the maximum', async () => {
    const wrapper = mountForm({
      authorName: 'n'.repeat(245),
      authorEmail: `${'d'.repeat(88)}@example.com`,
      authorUrl: `https://example.com/${'p'.repeat(180)}`,
      content: 'c'.repeat(10_000),
    });
    await submit(wrapper);
    expect(wrapper.emitted('submit')).toHaveLength(1);
  });

  it('shows no errors before the first attempt, then updates them as the person types', async () => {
    const wrapper = mountForm({ authorName: '' });
    expect(wrapper.findAll('.field__error')).toHaveLength(0);

    await submit(wrapper);
    expect(errorFor(wrapper, 'authorName')).toBe(COMMENT_MESSAGES.nameRequired);

    await field(wrapper, 'authorName').setValue('Dave');
    expect(errorFor(wrapper, 'authorName')).toBeNull();
    expect(field(wrapper, 'authorName').attributes('aria-invalid')).toBeUndefined();
  });

  it('shows server errors at their fields, and the others above the form', async () => {
    const wrapper = mountForm({}, [
      { field: 'authorEmail', code: 'INVALID_EMAIL', message: 'That email address is not valid.' },
      { field: 'content', code: 'DUPLICATE', message: 'You have already said that.' },
      { field: 'parentId', code: 'NOT_FOUND', message: 'The comment you replied to is gone.' },
      {
        field: null,
        code: 'RATE_LIMITED',
        message: 'Please wait a minute before commenting again.',
      },
    ]);

    expect(errorFor(wrapper, 'authorEmail')).toBe('That email address is not valid.');
    expect(errorFor(wrapper, 'content')).toBe('You have already said that.');
    expect(errorFor(wrapper, 'authorName')).toBeNull();

    const summary = wrapper.get('.form-errors');
    expect(summary.attributes('role')).toBe('alert');
    expect(summary.text()).toContain('The comment you replied to is gone.');
    expect(summary.text()).toContain('Please wait a minute before commenting again.');
    // The summary sits above the fields.
    const html = wrapper.html();
    expect(html.indexOf('form-errors')).toBeLessThan(html.indexOf('name="content"'));
  });

  it('disables the button while submitting', async () => {
    const wrapper = mountForm();
    await wrapper.setProps({ submitting: true });
    const button = wrapper.get('button[type="submit"]');
    expect(button.attributes()).toHaveProperty('disabled');
    expect(button.text()).toBe('Posting…');
    await submit(wrapper);
    expect(wrapper.emitted('submit')).toBeUndefined();
  });

  it('says who is being replied to and offers to cancel', async () => {
    const wrapper = mount(CommentForm, { props: { replyingTo: 'Dave Briggs' } });
    expect(wrapper.text()).toContain('Replying to Dave Briggs');
    await wrapper.get('button[type="button"]').trigger('click');
    expect(wrapper.get('button[type="button"]').text()).toBe('Cancel reply');
    expect(wrapper.emitted('cancelReply')).toHaveLength(1);
  });
});
