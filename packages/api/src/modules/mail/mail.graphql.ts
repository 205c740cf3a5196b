export const mailTypeDefs = /* GraphQL */ `
  extend input SubmitCommentInput {
    """
    "Notify me of replies": after the comment is approved, its author gets an
    email to confirm; once confirmed, an email for each approved reply to it
    (never their own), each with a one-click unsubscribe link. Ignored when the
    site sends no email (Site.replyNotifications false).
    """
    notifyOfReplies: Boolean
  }

  extend type Site {
    "Whether the site sends email (SMTP_URL is set): the comment form offers \\"Notify me of replies\\" only then."
    replyNotifications: Boolean!
  }

  extend type Viewer {
    """
    An email for each held comment or linkback the viewer may moderate (on
    their own posts, for an AUTHOR). Default: on for ADMIN and EDITOR, off for
    AUTHOR. No email is sent while the site sends none.
    """
    notifyOnHeld: Boolean!
  }

  input UpdateMyNotificationSettingsInput {
    "Null or left out: unchanged."
    notifyOnHeld: Boolean
  }

  type UpdateMyNotificationSettingsPayload {
    "The viewer, with the settings now in force."
    viewer: Viewer
    errors: [UserError!]!
  }

  extend type Mutation {
    "The signed-in user's own notification settings. Needs a signed-in session (not an API token)."
    updateMyNotificationSettings(
      input: UpdateMyNotificationSettingsInput!
    ): UpdateMyNotificationSettingsPayload!
  }
`;
