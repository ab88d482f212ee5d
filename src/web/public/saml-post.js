// HTTP-POST binding: sends the SAML message form as soon as the page loads (the button is the fallback).
document.querySelector('form[data-autosubmit]')?.submit();
