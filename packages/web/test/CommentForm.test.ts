import { describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import CommentForm from '../src/components/comments/CommentForm.vue';
import type { CommentDraft, FieldErrors } from '../src/composables/useCommentComposer';
import type { CommentField } from '../src/lib/comment-messages';
import type { FieldRules } from '../src/lib/comment-validation';
import { formRules } from './helpers';

// The form renders what it is given and emits what the visitor does; what a
// draft and an answer mean is useCommentComposer's (see CommentsSection.test.ts).

const empty: CommentDraft = {
  content: '',
  authorName: '',
  authorEmail: '',
  authorUrl: '',
  homepage: '',
};

function mountForm(
  props: Partial<{
    fieldErrors: FieldErrors;
    formErrors: string[];
    rules: FieldRules;
    submitting: boolean;
    replyingTo: string | null;
  }> = {},
) {
  return mount(CommentForm, {
    attachTo: document.body,
    props: {
      rules: formRules(),
      draft: { ...empty, content: 'Hello' },
      action: '/posts/p#respond',
      ...props,
    },
  });
}

function field(wrapper: VueWrapper, name: CommentField | 'homepage') {
  return wrapper.get(`[name="${name}"]`);
}

/** The message linked to a field through aria-describedby. */
function errorFor(wrapper: VueWrapper, name: CommentField): string | null {
  const ids = field(wrapper, name).attributes('aria-describedby')?.split(' ') ?? [];
  const messages = ids
    .map((id) => wrapper.find(`[id="${id}"]`))
    .filter((el) => el.exists() && el.classes('field__error'))
    .map((el) => el.text());
  return messages[0] ?? null;
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
    // The email field is described by the note that it will not be published.
    const note = wrapper.get('.comment-form__note').attributes('id');
    expect(field(wrapper, 'authorEmail').attributes('aria-describedby')).toBe(note);
    wrapper.unmount();
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
    wrapper.unmount();
  });

  it("marks required fields as the server's rules say", () => {
    const rules = formRules({
      authorEmail: { required: false, maxLength: 100 },
      authorUrl: { required: true, maxLength: 200 },
    });
    const wrapper = mountForm({ rules });
    const labels = wrapper.findAll('label').map((label) => label.text().replace(/\s+/g, ' '));
    expect(labels).toEqual(['Comment *', 'Name *', 'Email', 'Website *']);
    expect(field(wrapper, 'authorUrl').attributes('aria-required')).toBe('true');
    expect(field(wrapper, 'authorEmail').attributes('aria-required')).toBeUndefined();
    wrapper.unmount();
  });

  it('shows the draft, emits what the visitor types, and submit', async () => {
    const wrapper = mountForm();
    expect((field(wrapper, 'content').element as HTMLTextAreaElement).value).toBe('Hello');
    await field(wrapper, 'content').setValue('Sound pretty much like a Social Media Surgery');
    await field(wrapper, 'authorUrl').setValue('https://davebriggs.net');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.emitted('update:draft')).toEqual([
      [{ ...empty, content: 'Sound pretty much like a Social Media Surgery' }],
      [
        {
          ...empty,
          content: 'Sound pretty much like a Social Media Surgery',
          authorUrl: 'https://davebriggs.net',
        },
      ],
    ]);
    expect(wrapper.emitted('submit')).toEqual([[]]);
    wrapper.unmount();
  });

  it('gives each input its type and autocomplete', () => {
    const wrapper = mountForm();
    const attrs = (name: CommentField) => {
      const { type, autocomplete, inputmode, placeholder } = field(wrapper, name).attributes();
      return { type, autocomplete, inputmode, placeholder };
    };
    expect(field(wrapper, 'content').element.tagName).toBe('TEXTAREA');
    expect(field(wrapper, 'content').attributes('rows')).toBe('8');
    expect(attrs('authorName')).toMatchObject({ type: 'text', autocomplete: 'name' });
    expect(attrs('authorEmail')).toMatchObject({ type: 'email', autocomplete: 'email' });
    expect(attrs('authorUrl')).toEqual({
      type: 'url',
      autocomplete: 'url',
      inputmode: 'url',
      placeholder: 'https://',
    });
    wrapper.unmount();
  });

  it('shows each field error under its field, linked by aria-describedby', () => {
    const wrapper = mountForm({
      fieldErrors: { authorName: 'Please enter your name.', content: 'Please write a comment.' },
    });
    expect(errorFor(wrapper, 'authorName')).toBe('Please enter your name.');
    expect(errorFor(wrapper, 'content')).toBe('Please write a comment.');
    expect(errorFor(wrapper, 'authorEmail')).toBeNull();
    expect(field(wrapper, 'authorName').attributes('aria-invalid')).toBe('true');
    expect(wrapper.findAll('[aria-invalid="true"]')).toHaveLength(2);
    wrapper.unmount();
  });

  it('shows form errors above the fields, as an alert', () => {
    const wrapper = mountForm({ formErrors: ['You have already posted this comment.'] });
    const summary = wrapper.get('.form-errors');
    expect(summary.attributes('role')).toBe('alert');
    expect(summary.text()).toBe('You have already posted this comment.');
    expect(wrapper.findAll('[aria-invalid="true"]')).toHaveLength(0);
    const html = wrapper.html();
    expect(html.indexOf('form-errors')).toBeLessThan(html.indexOf('name="content"'));
    wrapper.unmount();
  });

  it('takes focus to the first invalid field, in form order, when a submission ends with errors', async () => {
    const wrapper = mountForm({
      fieldErrors: { authorEmail: 'Please enter your email address.', authorName: 'Name?' },
    });
    expect(document.activeElement).toBe(document.body);
    await wrapper.setProps({ errorRevision: 1 });
    await wrapper.vm.$nextTick();
    expect(document.activeElement).toBe(field(wrapper, 'authorName').element);
    wrapper.unmount();
  });

  it('disables the button while submitting, and does not emit', async () => {
    const wrapper = mountForm({ submitting: true });
    const button = wrapper.get('button[type="submit"]');
    expect(button.attributes()).toHaveProperty('disabled');
    expect(button.text()).toBe('Posting…');
    expect(wrapper.get('form').attributes('aria-busy')).toBe('true');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.emitted('submit')).toBeUndefined();
    wrapper.unmount();
  });

  it('says who is being replied to, puts the cursor in the comment and offers to cancel', async () => {
    const wrapper = mountForm({ replyingTo: 'Dave Briggs' });
    expect(wrapper.text()).toContain('Replying to Dave Briggs');
    expect(document.activeElement).toBe(field(wrapper, 'content').element);
    const cancel = wrapper.get('.comment-form__replying a');
    expect(cancel.text()).toBe('Cancel reply');
    await cancel.trigger('click');
    expect(wrapper.emitted('cancelReply')).toHaveLength(1);
    wrapper.unmount();
  });

  it('has a honeypot field hidden from people and assistive technology', () => {
    const wrapper = mountForm();
    const trap = field(wrapper, 'homepage');
    expect(trap.attributes('tabindex')).toBe('-1');
    expect(trap.attributes('autocomplete')).toBe('off');
    const container = trap.element.parentElement!;
    expect(container.getAttribute('aria-hidden')).toBe('true');
    expect(container.classList).toContain('comment-form__trap');
    // Not labelled, not required, not among the visible fields.
    expect(wrapper.find(`label[for="${trap.attributes('id')}"]`).exists()).toBe(false);
    expect(trap.attributes()).not.toHaveProperty('required');
    wrapper.unmount();
  });

  it('emits what a bot types into the honeypot', async () => {
    const wrapper = mountForm();
    await field(wrapper, 'homepage').setValue('http://bot.example');
    expect(wrapper.emitted('update:draft')).toEqual([
      [{ ...empty, content: 'Hello', homepage: 'http://bot.example' }],
    ]);
    wrapper.unmount();
  });
});
